// Fristad's service worker. It keeps the fingerprinted static files (stylesheet, scripts, icon:
// a name with its content's hash never changes content), so the installed app starts without
// the network. It never keeps a page or any other answer: pages carry personal data (they are
// Cache-Control: no-store) and everything else goes to the network as if it were not here.
// Changes made without a connection are kept by fristad.js, not here.
"use strict";

const CACHE = "fristad-static";
const FINGERPRINTED = /^\/static\/.+\.[0-9a-f]{12}\.[a-z.]+$/;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !FINGERPRINTED.test(url.pathname)) {
    return;
  }
  event.respondWith(
    caches.open(CACHE).then(async (cache) => {
      const kept = await cache.match(event.request);
      if (kept) {
        return kept;
      }
      const answer = await fetch(event.request);
      if (answer.ok) {
        await cache.put(event.request, answer.clone());
      }
      return answer;
    }),
  );
});
