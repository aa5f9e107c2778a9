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
  const again = focusedBeforeSwap && document.getElementById(focusedBeforeSwap);
  focusedBeforeSwap = null;
  if (again) {
    if (document.activeElement !== again) {
      again.focus();
    }
  } else if (area) {
    // What had focus is gone (a form replaced by its result): focus the result the new content
    // marks (data-focus, e.g. the identity shown), so the next Tab goes on from there.
    const result = area.matches("[data-focus]") ? area : area.querySelector("[data-focus]");
    if (result) {
      result.focus();
    }
  }
  announceChange(area);
});

function announce(text) {
  const announcer = document.getElementById("announcer");
  if (announcer && text) {
    // Emptied first, so the same words twice in a row are announced twice.
    announcer.textContent = "";
    window.setTimeout(() => {
      announcer.textContent = text;
    }, 50);
  }
}

function announceChange(area) {
  const announcing = area && (area.hasAttribute("data-announce") ? area : area.querySelector("[data-announce]"));
  if (announcing) {
    announce(announcing.getAttribute("data-announce"));
  }
}

// Without a connection, an operator's −/+ is kept on the phone (localStorage: a category's id
// and counts, nothing about a person), shown as "not sent yet", and sent when the connection
// returns as the numbers wanted with the version they were based on. If the category changed
// meanwhile the server writes nothing and answers with a row showing both numbers to choose.
const PENDING = "fristad:pending-numbers";

function pendingNumbers() {
  try {
    return JSON.parse(window.localStorage.getItem(PENDING) || "{}");
  } catch {
    return {};
  }
}

function keepPending(pending) {
  window.localStorage.setItem(PENDING, JSON.stringify(pending));
}

function showPending(row, entry) {
  const counts = row.querySelectorAll(".count");
  counts[0].textContent = entry.free;
  counts[1].textContent = entry.out_of_service;
  let note = row.querySelector("[data-pending]");
  if (!note) {
    note = document.createElement("p");
    note.className = "notice notice--pending";
    note.setAttribute("data-pending", "");
    row.querySelector("th").append(note);
  }
  note.textContent = row.closest("table").dataset.pendingText;
}

function keepOffline(button) {
  const row = button.closest("tr");
  const counts = row.querySelectorAll(".count");
  const [what, delta] = button.value.split(":");
  const pending = pendingNumbers();
  const entry = pending[row.id] || {
    url: button.form.getAttribute("action").replace(/\/adjust$/, "/numbers"),
    version: button.form.elements.version.value,
    free: Number(counts[0].textContent),
    out_of_service: Number(counts[1].textContent),
  };
  entry[what] = Math.max(0, entry[what] + Number(delta));
  pending[row.id] = entry;
  keepPending(pending);
  showPending(row, entry);
  announce(row.closest("table").dataset.pendingText);
}

document.addEventListener(
  "click",
  (event) => {
    const button = event.target.closest && event.target.closest('button[name="change"]');
    if (button && !navigator.onLine) {
      event.preventDefault();
      event.stopPropagation();
      keepOffline(button);
    }
  },
  true,
);

let sending = false;

async function sendPending() {
  if (sending || !navigator.onLine) {
    return;
  }
  sending = true;
  try {
    const token = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["x-csrftoken"];
    const pending = pendingNumbers();
    for (const [rowId, entry] of Object.entries(pending)) {
      let answer;
      try {
        answer = await fetch(entry.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "x-csrftoken": token, "HX-Request": "true" },
          body: new URLSearchParams({
            free: entry.free,
            out_of_service: entry.out_of_service,
            version: entry.version,
          }),
        });
      } catch {
        return; // still no connection: kept for the next time
      }
      if (answer.status >= 500) {
        return;
      }
      delete pending[rowId];
      keepPending(pending);
      const row = document.getElementById(rowId);
      if (row && answer.ok) {
        const template = document.createElement("template");
        template.innerHTML = (await answer.text()).trim();
        const fresh = template.content.firstElementChild;
        row.replaceWith(fresh);
        if (window.htmx) {
          window.htmx.process(fresh);
        }
        announceChange(fresh);
      }
    }
  } finally {
    sending = false;
  }
}

window.addEventListener("online", sendPending);
document.addEventListener("DOMContentLoaded", () => {
  const pending = pendingNumbers();
  for (const [rowId, entry] of Object.entries(pending)) {
    const row = document.getElementById(rowId);
    if (row) {
      showPending(row, entry);
    }
  }
  sendPending();
});

// Installable: the service worker keeps the static files (never a page), see sw.js.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/static/sw.js", { scope: "/" }).catch(() => {});
}
