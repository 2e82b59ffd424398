"""Browser tests: headless Chromium against a live server, with axe-core on every page."""
