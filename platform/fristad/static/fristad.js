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

// On a phone, tables are shown as stacked cards (fristad.css) whose cells name their column by a
// data-label. Templates set it where they can; here every other cell gets its column header.
function labelTableCells(root) {
  for (const table of root.querySelectorAll("table")) {
    const headerRow = table.tHead && table.tHead.rows[0];
    if (!headerRow) {
      continue;
    }
    const headers = [];
    for (const cell of headerRow.cells) {
      for (let span = 0; span < cell.colSpan; span += 1) {
        headers.push(cell.textContent.trim());
      }
    }
    for (const body of table.tBodies) {
      for (const row of body.rows) {
        let column = 0;
        for (const cell of row.cells) {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label") && cell.colSpan === 1) {
            cell.setAttribute("data-label", headers[column] || "");
          }
          column += cell.colSpan;
        }
      }
    }
  }
}

document.addEventListener("DOMContentLoaded", () => labelTableCells(document));
document.addEventListener("htmx:afterSettle", () => labelTableCells(document));
