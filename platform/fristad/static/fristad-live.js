// Live regions fed by server-sent events (the shelters' bed board). An element with
// data-live-source opens an EventSource there; each "replace" event carries one HTML element,
// which replaces the element with the same id inside that region. Without JavaScript the page
// is simply current as of its loading. No inline script anywhere (CSP).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-live-source]").forEach((region) => {
    const source = new EventSource(region.dataset.liveSource);
    // The server is listening for changes from here on (tests and styles can tell).
    source.addEventListener("ready", () => {
      region.dataset.live = "ready";
    });
    source.addEventListener("error", () => {
      region.dataset.live = "reconnecting";
    });
    source.addEventListener("replace", (event) => {
      const template = document.createElement("template");
      template.innerHTML = event.data.trim();
      const fresh = template.content.firstElementChild;
      const current = fresh && fresh.id ? document.getElementById(fresh.id) : null;
      if (current && region.contains(current)) {
        current.replaceWith(fresh);
        if (window.htmx) {
          window.htmx.process(fresh);
        }
      }
    });
    window.addEventListener("pagehide", () => source.close());
  });
});
