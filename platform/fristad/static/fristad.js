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

// After an htmx swap the element that had focus is usually gone (an outerHTML swap replaces
// it), so focus would fall to <body> and the next Tab jump past the change. Put it back on the
// element with the same id in the new content, and read a changed area's data-announce into the
// page's live region (#announcer, aria-live) so screen readers hear what happened.
let focusedBeforeSwap = null;

document.addEventListener("htmx:beforeSwap", () => {
  const active = document.activeElement;
  focusedBeforeSwap = active && active.id ? active.id : null;
});

document.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.xhr && event.detail.xhr.status === 422) {
    return; // the first field in error has focus (above)
  }
  const target = event.detail.elt;
  const area = target && target.isConnected ? target : document.getElementById(target && target.id);
  if (focusedBeforeSwap) {
    const again = document.getElementById(focusedBeforeSwap);
    if (again && document.activeElement !== again) {
      again.focus();
    }
    focusedBeforeSwap = null;
  }
  const announcer = document.getElementById("announcer");
  const announcing = area && (area.hasAttribute("data-announce") ? area : area.querySelector("[data-announce]"));
  if (announcer && announcing) {
    // Emptied first, so the same words twice in a row are announced twice.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = announcing.getAttribute("data-announce");
    }, 50);
  }
});
