"""Form pieces shared by every area: exact quantities, pounds, GOV.UK dates, emails and one-button forms."""
