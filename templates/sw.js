// Back Release's service worker: keeps the app shell and the session page the person is on, so a
// reload without a connection still shows their step (session.js keeps unsent answers).
// A kept page belongs to the login it was kept under (backrelease/pages/kept_pages.py): it is shown
// only while the owner cookie still holds that login's mark, and dropped otherwise.
const SHELL_CACHE = "{{ version }}";
const PAGES_CACHE = "pages";
const SHELL = {{ shell|safe }};
const OFFLINE_PAGE = "{% url 'offline' %}";
// Every language's offline page is kept with the shell; the copy at OFFLINE_PAGE, the one shown,
// follows the language of the last page the person was shown (their choice in the footer or their
// settings), so a language chosen since the worker installed needs no connection to be shown.
const OFFLINE_PAGES = {{ offline_pages|safe }};
const LOGOUT = "{% url 'logout' %}";
// Only session pages are kept: they are what must survive a lost connection on the floor.
const SESSION_PAGE = /^\/sessions\/\d+\/$/;
const OWNER_COOKIE = "{{ owner_cookie }}";
const KEPT_FOR = "X-Kept-For";

async function ownerMark() {
  // Without the Cookie Store API the worker cannot tell whose page it holds, so it shows none.
  if (!self.cookieStore) return null;
  const cookie = await self.cookieStore.get(OWNER_COOKIE);
  return cookie ? cookie.value : null;
}

// Drops every kept page that is not the current login's.
async function dropOthers(mark) {
  if (!(await caches.has(PAGES_CACHE))) return;
  const cache = await caches.open(PAGES_CACHE);
  for (const request of await cache.keys()) {
    const kept = await cache.match(request);
    if (!mark || !kept || kept.headers.get(KEPT_FOR) !== mark) await cache.delete(request);
  }
}

async function keep(path, response) {
  const mark = await ownerMark();
  await dropOthers(mark);
  if (!mark) return;
  const headers = new Headers(response.headers);
  headers.set(KEPT_FOR, mark);
  const marked = new Response(await response.blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  await (await caches.open(PAGES_CACHE)).put(path, marked);
}

async function keptPage(url) {
  const kept = await caches.match(url, { cacheName: PAGES_CACHE });
  if (!kept) return null;
  const mark = await ownerMark();
  if (!mark || kept.headers.get(KEPT_FOR) !== mark) {
    await caches.delete(PAGES_CACHE);
    return null;
  }
  // The server's time in a kept copy is the time it was kept, not now: session.js must not take it
  // for a live reading of the server's clock (its countdown would run late).
  const body = (await kept.text()).replaceAll(' data-now="', ' data-kept-now="');
  return new Response(body, { status: kept.status, statusText: kept.statusText, headers: kept.headers });
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key !== SHELL_CACHE && key !== PAGES_CACHE).map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

async function keepPage(path) {
  const response = await fetch(path, { credentials: "same-origin" });
  if (response.ok && !response.redirected) await keep(path, response);
}

// Shows the offline page in the language of `response`, a page just shown to the person.
async function followLanguage(response) {
  const language = response.headers.get("Content-Language");
  if (!Object.hasOwn(OFFLINE_PAGES, language)) return;
  const cache = await caches.open(SHELL_CACHE);
  const shown = await cache.match(OFFLINE_PAGE);
  if (shown && shown.headers.get("Content-Language") === language) return;
  const page = await cache.match(OFFLINE_PAGES[language]);
  if (page) await cache.put(OFFLINE_PAGE, page);
}

async function networkFirst(request, kept) {
  try {
    const response = await fetch(request);
    await followLanguage(response).catch(() => null);
    if (kept && response.ok && !response.redirected) {
      await keep(new URL(request.url).pathname, response.clone());
    } else {
      await dropOthers(await ownerMark());
    }
    return response;
  } catch (error) {
    const page = kept ? await keptPage(new URL(request.url).pathname) : null;
    return page || (await caches.match(OFFLINE_PAGE)) || Response.error();
  }
}

async function staleWhileRevalidate(event) {
  const cached = await caches.match(event.request);
  const fresh = fetch(event.request).then(async (response) => {
    if (response.ok) await (await caches.open(SHELL_CACHE)).put(event.request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => null));
    return cached;
  }
  return fresh;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    // Signing out leaves none of the person's pages on the device.
    if (url.pathname === LOGOUT) event.waitUntil(caches.delete(PAGES_CACHE));
    // After a step is saved, the kept page is brought up to that step.
    if (SESSION_PAGE.test(url.pathname)) {
      let saved;
      const refreshed = new Promise((resolve) => (saved = resolve));
      event.waitUntil(refreshed);
      event.respondWith(
        fetch(request).then(
          (response) => {
            saved(response.ok ? keepPage(url.pathname).catch(() => null) : null);
            return response;
          },
          (error) => {
            saved(null);
            throw error;
          },
        ),
      );
    }
    return;
  }
  if (request.method !== "GET") return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(staleWhileRevalidate(event));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(request, SESSION_PAGE.test(url.pathname)));
  }
});
