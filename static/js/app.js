// Social Value Marketplace – initialise GOV.UK Frontend components.
// Loaded with <script type="module" src="/static/js/app.js">.
//
// GOV.UK Frontend v6 only initialises when <body> has the class
// "govuk-frontend-supported". Our Content-Security-Policy allows no inline
// scripts, so the base template cannot set it early; this module sets it
// (with "js-enabled") before initialising the components. Module scripts
// only run in browsers that support ES modules, which is the condition
// GOV.UK Frontend uses for "supported".
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");

initAll();
