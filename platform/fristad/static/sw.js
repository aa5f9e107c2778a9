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

// A file's name without its hash: "/static/fristad.0123456789ab.css" is "/static/fristad" + ".css".
const unhashed = (path) => path.replace(/\.[0-9a-f]{12}(\.[a-z.]+)$/, "$1");

// Drops the superseded versions of a file once its current one is kept: after a release the
// phone holds one copy of each file, not one per release.
async function dropSuperseded(cache, current) {
  const stem = unhashed(current);
  for (const entry of await cache.keys()) {
    const path = new URL(entry.url).pathname;
    if (path !== current && unhashed(path) === stem) {
      await cache.delete(entry);
    }
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !FINGERPRINTED.test(url.pathname)) {
    return;
  }
  const answered = caches.open(CACHE).then(async (cache) => {
    const kept = await cache.match(event.request);
    if (kept) {
      return [cache, kept];
    }
    const answer = await fetch(event.request);
    if (answer.ok) {
      await cache.put(event.request, answer.clone());
    }
    return [cache, answer];
  });
  event.respondWith(answered.then(([, answer]) => answer));
  event.waitUntil(answered.then(([cache]) => dropSuperseded(cache, url.pathname)));
});
