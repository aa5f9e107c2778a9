// Fristad's own script: small behaviours htmx leaves to the page. No inline script anywhere (CSP).
"use strict";

// After htmx swaps in a form that failed validation (422), move focus to the first field in error
// so keyboard and screen-reader users land where the problem is.
document.addEventListener("htmx:afterSwap", (event) => {
  const invalid = event.detail.target.querySelector("[aria-invalid='true']");
  if (invalid) {
    invalid.focus();
  }
});
