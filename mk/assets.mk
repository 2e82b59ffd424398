# Front-end assets (GOV.UK Frontend + Sass), included by the main Makefile.
# Output is committed under static/, so the app needs no Node at run time;
# run `make assets` after changing static/src/ or package.json.

AXE_JS := node_modules/axe-core/axe.min.js

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund && touch $@

$(AXE_JS): node_modules/.installed

.PHONY: assets
assets: node_modules/.installed
	npm run build
