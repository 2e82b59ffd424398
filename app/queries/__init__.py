"""Read-side queries for list pages and dashboards, with their eager loads."""
