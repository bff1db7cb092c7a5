// Offline cache for the page. Only same-origin GETs are ever answered or stored: the page
// has no reason to reach another origin, and this worker never gives it one.
// `ecr-doctor web --build` fills in the two placeholders (content hash, asset list).
const CACHE = "ecr-doctor-__BUILD_VERSION__";
const ASSETS = __ASSETS__;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  // A new build gets a new cache name: drop the old builds so files never mix.
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((k) => k.startsWith("ecr-doctor-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // Network first, so a rebuilt page is picked up at once; the cache answers when offline.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok && url.search === "") {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: true })
        .then((hit) => hit || Response.error())));
});
