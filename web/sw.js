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

// The worker's folder: the site may live under a sub-path (https://owner.github.io/ecr-doctor/).
const scopePath = () => new URL("./", self.location.href).pathname;

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  // A content-named folder (runtime-<hash>/, core-<hash>/) never changes: cache first.
  if (/^\/(?:runtime|core)-[0-9a-f]{12}\//.test(url.pathname.slice(scopePath().length - 1))) {
    event.respondWith(caches.match(event.request).then((hit) => hit || fetch(event.request)));
    return;
  }
  // Network first for the page's own files, so a rebuilt page is picked up at once; the
  // cache answers when offline.
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
