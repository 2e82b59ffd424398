// Social Value Marketplace – initialise GOV.UK Frontend components.
// Loaded with <script type="module" src="/static/js/app.js">.
//
// GOV.UK Frontend v6 only initialises when <body> has the class
// "govuk-frontend-supported". The base template sets it (with "js-enabled")
// in an inline script at the top of <body> to avoid a flash of no-JS styles;
// this is a fallback (e.g. if a CSP blocks that inline script). Module
// scripts only run in browsers that support ES modules, which is the
// condition GOV.UK Frontend uses for "supported".
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();
