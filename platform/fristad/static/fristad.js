// Fristad's own script: small behaviours htmx leaves to the page. No inline script anywhere (CSP).
"use strict";

// After htmx swaps in a form that failed validation (422), move focus to the first field in error
// so keyboard and screen-reader users land where the problem is. The swapped-out target may be
// detached (outerHTML swaps), so look in the document.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    const invalid = document.querySelector("[aria-invalid='true']");
    if (invalid) {
      invalid.focus();
    }
  }
});
