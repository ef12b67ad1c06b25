/* The Seizure log service worker (release {{ version }}).

   It keeps the app's static files, and the pages the server marks with the Offline-Cache
   header, so that the logging pages open with no network: each such page is fetched from the
   network first and the phone's copy is used when the network fails or is too slow. Pages
   that need the server get the offline page instead. It never handles anything but GET:
   entries travel through the page's own outbox (IndexedDB), which the page replays itself,
   because Background Sync does not exist on most phones. */
"use strict";

const STATIC_CACHE = "seizure-log-static";
const PAGE_CACHE = "seizure-log-pages";
const PRECACHE = {{ precache|safe }};
const STATIC_URL = {{ static_url|safe }};
const HASHED = {{ hashed|safe }};
const OFFLINE_URL = {{ offline_url|safe }};
const HEADER = {{ header|safe }};
// An alert's title when its message has none.
const ALERT_TITLE = "{{ alert_title|escapejs }}";
// Where "/" goes with no network for a family with one child (the page "/" redirects to).
const START_KEY = "/__start__";
// With a kept copy at hand, wait this long for the network (a bad signal mid-seizure must not
// keep a parent staring at a blank screen), then show the copy and let the network finish.
const NETWORK_WAIT_MS = 4000;
// Pages a logging page asks to keep are fetched again when their copy is older than this.
const REFRESH_AFTER_MS = 10 * 60 * 1000;

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(STATIC_CACHE);
    await Promise.all(PRECACHE.map(async (url) => {
      // Without cookies: the offline page must not carry whoever happened to be signed in.
      const response = await fetch(url, { cache: "reload", credentials: "omit" });
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      await cache.put(url, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name !== STATIC_CACHE && name !== PAGE_CACHE) await caches.delete(name);
    }
    // Static files of earlier releases go, except those a kept page still refers to.
    const keep = new Set(PRECACHE.map((url) => new URL(url, self.location.origin).href));
    const pages = await caches.open(PAGE_CACHE);
    for (const request of await pages.keys()) {
      const text = await (await pages.match(request)).text();
      for (const match of text.matchAll(/(?:src|href)="([^"]+)"/g)) {
        keep.add(new URL(match[1].replace(/&amp;/g, "&"), self.location.origin).href);
      }
    }
    const statics = await caches.open(STATIC_CACHE);
    for (const request of await statics.keys()) {
      if (!keep.has(request.url)) await statics.delete(request);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith(STATIC_URL)) {
    event.respondWith(staticFile(request));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event, url));
  }
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = () => { if (event.ports[0]) event.ports[0].postMessage("done"); };
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(refresh(data.urls, REFRESH_AFTER_MS).then(reply, reply));
  } else if (data.type === "refresh") {
    event.waitUntil(refreshAll().then(reply, reply));
  } else if (data.type === "forget") {
    event.waitUntil(caches.delete(PAGE_CACHE).then(reply, reply));
  }
});

async function staticFile(request) {
  const cache = await caches.open(STATIC_CACHE);
  if (HASHED) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
  }
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

async function page(event, url) {
  const cache = await caches.open(PAGE_CACHE);
  const kept = await cache.match(url.pathname, { ignoreSearch: true });
  const network = fetch(event.request).then(async (response) => {
    await keepPage(cache, response.clone());
    return response;
  });
  if (!kept) {
    try {
      return await network;
    } catch (error) {
      return fallback(cache, url);
    }
  }
  event.waitUntil(network.catch(() => null));
  try {
    const response = await Promise.race([
      network,
      new Promise((resolve, reject) => setTimeout(() => reject(new Error("slow")), NETWORK_WAIT_MS)),
    ]);
    // A server that is down is no better than no network.
    return response.status >= 500 ? kept : response;
  } catch (error) {
    return kept;
  }
}

async function fallback(cache, url) {
  if (url.pathname === "/") {
    const start = await cache.match(START_KEY);
    if (start) return Response.redirect(new URL(await start.text(), self.location.origin).href, 302);
  }
  const offline = await caches.match(OFFLINE_URL, { ignoreSearch: true });
  return offline || new Response("You are offline.", { status: 503, headers: { "Content-Type": "text/plain" } });
}

// Keeps a page the server marked, under the path it names. The copy says it is a copy, so
// the page can tell the parent when it was saved (and not trust its clock reading).
async function keepPage(cache, response) {
  const mark = response.headers.get(HEADER);
  if (!mark || response.status !== 200 || response.type !== "basic") return;
  const [path, ...flags] = mark.split(";").map((part) => part.trim());
  if (!path.startsWith("/") || path.startsWith("//")) return;
  const text = (await response.text()).replace(
    'data-served="network"',
    `data-served="cache" data-kept-at="${new Date().toISOString()}"`,
  );
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  headers.set("sw-kept-at", String(Date.now()));
  await cache.put(path, new Response(text, { status: 200, headers }));
  if (flags.includes("start")) await cache.put(START_KEY, new Response(path));
}

// Fetches the pages again whose copies are at least `maxAge` milliseconds old.
async function refresh(paths, maxAge) {
  const cache = await caches.open(PAGE_CACHE);
  await Promise.all(paths.map(async (path) => {
    const url = new URL(path, self.location.origin);
    if (url.origin !== self.location.origin) return;
    const kept = await cache.match(url.pathname);
    if (kept && Date.now() - Number(kept.headers.get("sw-kept-at")) < maxAge) return;
    try {
      await keepPage(cache, await fetch(url, { credentials: "same-origin", redirect: "manual" }));
    } catch (error) {
      // No network: the page keeps what it has.
    }
  }));
}

// Entries reached the server: every kept page is fetched again, so that a page reopened with
// no network counts them (its script adds only what is still on the phone). One round at a
// time; asks meanwhile share one more round after it, which starts after the last of them.
let refreshing = null;
let nextRound = null;

function refreshAll() {
  if (!refreshing) {
    refreshing = refreshKept().finally(() => { refreshing = null; });
    return refreshing;
  }
  if (!nextRound) nextRound = refreshing.catch(() => null).then(() => { nextRound = null; return refreshAll(); });
  return nextRound;
}

async function refreshKept() {
  const cache = await caches.open(PAGE_CACHE);
  const paths = (await cache.keys()).map((request) => new URL(request.url).pathname);
  await refresh(paths.filter((path) => path !== START_KEY), 0);
}

// Team alerts (manage.py sendalerts): each push message is the JSON {title, body, url, tag,
// icon}. The tag makes a repeat of one alert replace the one shown, not add a second.
self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data.text() };
  }
  event.waitUntil(self.registration.showNotification(data.title || ALERT_TITLE, {
    body: data.body || "",
    tag: data.tag,
    renotify: Boolean(data.tag),
    icon: data.icon,
    data: { url: data.url || "/" },
  }));
});

// Tapping an alert opens the page it names (the seizure's timer, or the child's page), in a
// window of the app already showing it if there is one. Only this site's own pages.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = new URL((event.notification.data || {}).url || "/", self.location.origin);
  if (url.origin !== self.location.origin) return;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    const open = windows.find((client) => new URL(client.url).pathname === url.pathname);
    if (open) return open.focus();
    return self.clients.openWindow(url.href);
  })());
});
