// The portal's service worker: keeps the browser bundle of one build (the
// immutable files under /pkg/BUILD/) so that a second visit on a weak signal
// needs no round trip for code. It never keeps anything else: pages, server
// answers and downloads (personal data) always go to the network.
const BUILD = '__BUILD__';
const PREFIX = `/pkg/${BUILD}/`;
const CACHE = `slrt-bundle-${BUILD}`;

const ours = (url) => {
  const address = new URL(url, self.location.origin);
  return address.origin === self.location.origin && address.pathname.startsWith(PREFIX);
};

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// A page tells which bundle files it loaded before this worker took over;
// they are in the browser's HTTP cache already, so keeping them costs no download.
self.addEventListener('message', (event) => {
  const urls = Array.isArray(event.data) ? event.data.filter((u) => typeof u === 'string' && ours(u)) : [];
  if (urls.length > 0) {
    event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(urls)).catch(() => {}));
  }
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || !ours(request.url)) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const kept = await cache.match(request.url);
    if (kept) return kept;
    const response = await fetch(request);
    if (response.ok) await cache.put(request.url, response.clone()).catch(() => {});
    return response;
  })());
});
