// The outbox: every entry a page makes is written to IndexedDB on this phone *before* it is
// sent, and deleted only when the server answers 2xx naming the entry's client UUID. Network
// errors, 5xx and anything unexpected keep it for later; a refusal (400, 403, 404, 409, 422)
// keeps it too, shown with the server's reason until the person fixes, retries or discards
// it, and so does an entry the server failed on several times in a row (set aside, so one bad
// entry never holds back the others behind it); a lost sign-in keeps everything and asks
// them to sign in. Entries are sent from the page itself — on load, when the network comes
// back, when the page is shown again, and on a timer — one at a time and by one tab at a
// time (a Web Lock); the server saving each client UUID once is the real guarantee against
// doubles. Nothing here knows what an entry means: it is a URL, a JSON body and a key.
// window.SeizureLog.outbox is its interface.
(function () {
  "use strict";

  var DB_NAME = "seizure-log";
  var DB_VERSION = 1;
  var LOCK = "seizure-log-outbox";
  var CHANNEL = "seizure-log-outbox";
  var SEND_TIMEOUT_MS = 15000;
  var RETRY_EVERY_MS = 15000;
  // Server failures in a row (500 and the like) after which an entry is set aside. 502, 503
  // and 504 say the server is unreachable or busy, not that this entry is bad: never counted.
  var FAILURES_BEFORE_SET_ASIDE = 3;
  var UNAVAILABLE = [502, 503, 504];
  var NOTICES = "seizure-log-notices";
  var SKEW = "seizure-log-clock-skew";

  var config = readConfig();
  var owner = config.owner || "";
  var text = config.text || {};
  var channel = "BroadcastChannel" in window ? new BroadcastChannel(CHANNEL) : null;
  var answers = new Map(); // key -> the server's answer, for pages waiting on their entry
  var state = { draining: null, failures: 0, nextTry: 0, retryTimer: 0, signedOut: false, offline: false };

  function readConfig() {
    var node = document.getElementById("outbox-config");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }

  // --- The phone's clock, corrected by what the server last said ---------------------------
  // Times entries carry (a seizure's start, a tap) come from the phone, corrected by how far
  // its clock is from the server's, as measured on the last page or answer that came from the
  // network. A copy of a page kept on the phone says nothing about the clock.
  function parseTime(value) {
    // Trim microseconds: not every browser parses more than milliseconds.
    return Date.parse(String(value || "").replace(/(\.\d{3})\d+/, "$1"));
  }

  function measureSkew(serverNow, sentAt, receivedAt) {
    var server = parseTime(serverNow);
    if (isNaN(server)) return;
    try { localStorage.setItem(SKEW, String(server - (sentAt + receivedAt) / 2)); } catch (e) { /* private mode */ }
  }

  var clock = {
    now: function () {
      var skew = 0;
      try { skew = Number(localStorage.getItem(SKEW)) || 0; } catch (e) { skew = 0; }
      return Date.now() + skew;
    },
  };

  (function measurePage() {
    var html = document.documentElement;
    if (html.dataset.served !== "network") return;
    var nav = performance.getEntriesByType && performance.getEntriesByType("navigation")[0];
    var started = nav ? performance.timeOrigin + nav.requestStart : Date.now();
    var arrived = nav && nav.responseStart ? performance.timeOrigin + nav.responseStart : Date.now();
    measureSkew(html.dataset.serverNow, started, arrived);
  })();

  // --- IndexedDB --------------------------------------------------------------------------
  var dbPromise = null;

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("IndexedDB is not available")); return; }
        var request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          var outbox = db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
          outbox.createIndex("key", "key");
          db.createObjectStore("records", { keyPath: "key" });
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () { db.close(); };
          resolve(db);
        };
        request.onerror = function () { reject(request.error); };
      });
      dbPromise.catch(function () { dbPromise = null; });
    }
    return dbPromise;
  }

  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // Runs `work(stores)` in one transaction; resolves with its result once the transaction has
  // committed (so "written" means on disk), rejects if it aborted. `work` may only await
  // requests of this transaction.
  function transaction(names, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(names, mode);
        var stores = {};
        names.forEach(function (name) { stores[name] = tx.objectStore(name); });
        var result;
        Promise.resolve(work(stores)).then(function (value) { result = value; }, function (error) {
          try { tx.abort(); } catch (e) { /* already finished */ }
          reject(error);
        });
        tx.oncomplete = function () { resolve(result); };
        tx.onabort = tx.onerror = function () { reject(tx.error || new Error("transaction aborted")); };
      });
    });
  }

  function mine(entry) { return entry.owner === owner; }

  function list() {
    return transaction(["outbox"], "readonly", function (s) { return done(s.outbox.getAll()); })
      .catch(function () { return []; });
  }

  // --- Writing entries ----------------------------------------------------------------------
  // `entry`: {url, kind, key, body, label, child, day, fix?}. `how.merge`: fold the body into
  // the newest entry for the same key that is not being sent (a seizure's taps become one
  // entry while offline). `how.replace`: drop earlier unsent entries for the key (a form sent
  // again after a fix). `how.record`: also store this record, in the same transaction.
  function put(entry, how) {
    how = how || {};
    var fresh = Object.assign({}, entry, {
      owner: owner, created: Date.now(), state: "waiting", error: null, sendingSince: 0,
    });
    return transaction(["outbox", "records"], "readwrite", async function (s) {
      var same = (await done(s.outbox.index("key").getAll(entry.key))).filter(mine);
      if (how.record) {
        var before = await done(s.records.get(how.record.key));
        s.records.put(Object.assign({}, before, how.record, { owner: owner, updated: Date.now() }));
      }
      if (how.merge) {
        var last = same[same.length - 1];
        if (last && last.state !== "sending" && last.kind === entry.kind) {
          Object.assign(last.body, entry.body);
          await done(s.outbox.put(last));
          return last.id;
        }
      }
      if (how.replace) {
        same.forEach(function (old) { if (old.state !== "sending") s.outbox.delete(old.id); });
      }
      return done(s.outbox.add(fresh));
    }).then(function (id) {
      changed();
      if (how.send !== false) drain();
      return id;
    });
  }

  // Takes back unsent entries for `key`: true when there were some and none was being sent.
  function cancel(key) {
    return transaction(["outbox"], "readwrite", async function (s) {
      var same = (await done(s.outbox.index("key").getAll(key))).filter(mine);
      if (!same.length || same.some(function (e) { return e.state === "sending"; })) return false;
      same.forEach(function (e) { s.outbox.delete(e.id); });
      return true;
    }).then(function (cancelled) { if (cancelled) changed(); return cancelled; });
  }

  function records() {
    return transaction(["records"], "readonly", function (s) { return done(s.records.getAll()); })
      .then(function (all) { return all.filter(mine); }, function () { return []; });
  }

  // Stores a record (a seizure this phone is timing), keeping what the server said about it.
  function keepRecord(record) {
    return transaction(["records"], "readwrite", async function (s) {
      var before = await done(s.records.get(record.key));
      s.records.put(Object.assign({}, before, record, { owner: owner, updated: Date.now() }));
    });
  }

  // Adds `fields` to the stored record for `key`, if there is one (what the server said about
  // it); the record's own state is the page's to write.
  function updateRecord(key, fields) {
    return transaction(["records"], "readwrite", async function (s) {
      var record = await done(s.records.get(key));
      if (record && mine(record)) s.records.put(Object.assign(record, fields, { updated: Date.now() }));
      return record || null;
    }).catch(function () { return null; });
  }

  function getRecord(key) {
    return transaction(["records"], "readonly", function (s) { return done(s.records.get(key)); })
      .then(function (record) { return record && mine(record) ? record : null; }, function () { return null; });
  }

  // --- Sending ----------------------------------------------------------------------------
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var headers = document.body && document.body.getAttribute("hx-headers");
    try { return headers ? JSON.parse(headers)["X-CSRFToken"] : ""; } catch (e) { return ""; }
  }

  function request(url, options) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, SEND_TIMEOUT_MS);
    options = Object.assign({ credentials: "same-origin", redirect: "manual", signal: controller.signal }, options);
    return fetch(url, options).finally(function () { clearTimeout(timer); });
  }

  // After a 403: a stale CSRF token, or a role that may no longer write? A GET of the same
  // URL answers with a fresh token (and cookie) for a writer.
  async function freshToken(url) {
    try {
      var response = await request(url, { method: "GET", headers: { Accept: "application/json" } });
      if (response.type === "opaqueredirect" || response.status === 401) return "signin";
      if (response.ok) return "ok";
      return { 403: "forbidden", 404: "gone" }[response.status] || "retry";
    } catch (e) {
      return "retry";
    }
  }

  async function send(entry, retried) {
    var response, sentAt = Date.now();
    try {
      response = await request(entry.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(entry.body),
      });
    } catch (e) {
      return { outcome: "retry", offline: true };
    }
    if (response.type === "opaqueredirect" || response.status === 401) return { outcome: "signin" };
    if (response.status === 403 && !retried) {
      var token = await freshToken(entry.url);
      if (token === "ok") return send(entry, true);
      if (token === "gone") return { outcome: "reject", error: { status: 404, message: text.gone } };
      if (token !== "forbidden") return { outcome: token };
    }
    var answer = null;
    try { answer = await response.json(); } catch (e) { answer = null; }
    if (response.ok) {
      // Only our server's answer for this very entry counts (not a captive portal's page).
      if (answer && answer.client_uuid === entry.key) {
        if (answer.server_now) measureSkew(answer.server_now, sentAt, Date.now());
        return { outcome: "ack", answer: answer };
      }
      return { outcome: "retry" };
    }
    if (response.status === 403) return { outcome: "reject", error: { status: 403, message: text.forbidden } };
    if (response.status === 404) return { outcome: "reject", error: { status: 404, message: text.gone } };
    if (response.status === 400 || response.status === 409 || response.status === 422) {
      return {
        outcome: "reject",
        error: { status: response.status, message: (answer && answer.message) || "", errors: (answer && answer.errors) || {} },
      };
    }
    if (response.status >= 500 && UNAVAILABLE.indexOf(response.status) < 0) {
      return { outcome: "retry", error: { status: response.status, message: (answer && answer.message) || text.server_failed, set_aside: true } };
    }
    return { outcome: "retry" };
  }

  // Marks the oldest waiting entry of this person as being sent and returns it as stored now.
  function claimNext() {
    return transaction(["outbox"], "readwrite", async function (s) {
      var all = await done(s.outbox.getAll());
      var next = all.find(function (e) { return mine(e) && e.state === "waiting"; });
      if (!next) return null;
      next.state = "sending";
      next.sendingSince = Date.now();
      s.outbox.put(next);
      return next;
    });
  }

  // With the lock held nobody else is sending, so any "sending" mark is left by a page that
  // closed mid-send. Without Web Locks only an old mark is taken to be such a leftover.
  function releaseStale(locked) {
    return transaction(["outbox"], "readwrite", async function (s) {
      (await done(s.outbox.getAll())).forEach(function (e) {
        if (e.state === "sending" && (locked || Date.now() - e.sendingSince > 2 * SEND_TIMEOUT_MS)) {
          e.state = "waiting";
          s.outbox.put(e);
        }
      });
    });
  }

  // Stores what became of a sent entry; resolves true when it was set aside after failing
  // too often (the next entry can go at once).
  function settle(entry, result) {
    return transaction(["outbox", "records"], "readwrite", async function (s) {
      var stored = await done(s.outbox.get(entry.id));
      if (!stored) return false;
      if (result.outcome === "ack") {
        s.outbox.delete(entry.id);
        // A record whose seizure has ended on the server is no longer needed on the phone.
        if (result.answer.in_progress === false) {
          var others = (await done(s.outbox.index("key").getAll(entry.key))).filter(function (e) { return e.id !== entry.id; });
          if (!others.length) s.records.delete(entry.key);
        }
      } else if (result.outcome === "reject") {
        stored.state = "rejected";
        stored.error = result.error;
        s.outbox.put(stored);
      } else if (result.error) {
        stored.failures = (stored.failures || 0) + 1;
        var setAside = stored.failures >= FAILURES_BEFORE_SET_ASIDE;
        stored.state = setAside ? "rejected" : "waiting";
        stored.error = setAside ? result.error : null;
        s.outbox.put(stored);
        return setAside;
      } else {
        stored.state = "waiting";
        s.outbox.put(stored);
      }
      return false;
    });
  }

  async function sendAll(locked) {
    await releaseStale(locked);
    var before = [state.offline, state.signedOut].join();
    var sent = false;
    var acked = 0;
    for (;;) {
      if (navigator.onLine === false) { state.offline = true; break; }
      var entry = await claimNext();
      if (!entry) break;
      sent = true;
      var result = await send(entry);
      var setAside = await settle(entry, result);
      if (result.outcome === "ack") {
        state.failures = 0;
        state.offline = false;
        state.signedOut = false;
        acked += 1;
        acknowledged(entry, result.answer);
      }
      if (result.outcome === "signin") { state.signedOut = true; break; }
      if (setAside) state.failures = 0;
      if (result.outcome === "retry" && !setAside) {
        state.offline = !!result.offline;
        state.failures += 1;
        // Try again after 2, 4, 8… seconds (at most a minute), sooner if the network returns.
        var wait = Math.min(60000, 2000 * Math.pow(2, state.failures - 1));
        state.nextTry = Date.now() + wait;
        clearTimeout(state.retryTimer);
        state.retryTimer = setTimeout(drain, wait);
        break;
      }
      changed();
    }
    if (sent || [state.offline, state.signedOut].join() !== before) changed();
    // pwa.js has the phone's copies of the pages fetched again, so that they count these.
    if (acked) document.dispatchEvent(new CustomEvent("outbox:sent"));
  }

  // Sends what waits, unless this page is signed out. Resolves when this round is over.
  function drain() {
    if (!owner) return Promise.resolve();
    if (!state.draining) {
      var round = navigator.locks
        ? navigator.locks.request(LOCK, function () { return sendAll(true); })
        : sendAll(false);
      state.draining = round.catch(function () { /* IndexedDB unavailable: nothing to send */ })
        .finally(function () { state.draining = null; });
    }
    return state.draining;
  }

  // Sends now, and says what became of the entry with `key` within `ms`: "saved" (with the
  // server's answer when this page got it), "rejected" (with the error), or "waiting".
  function flush(key, ms) {
    state.failures = 0;
    state.nextTry = 0;
    var timeout = new Promise(function (resolve) { setTimeout(resolve, ms); });
    return Promise.race([drain(), timeout]).then(list).then(function (all) {
      var entry = all.filter(mine).find(function (e) { return e.key === key; });
      if (!entry) return { state: "saved", answer: answers.get(key) || null };
      return { state: entry.state === "rejected" ? "rejected" : "waiting", error: entry.error };
    });
  }

  function acknowledged(entry, answer) {
    answers.set(entry.key, answer);
    if (answer.notice) {
      addNotice({ text: answer.notice, label: entry.label, url: answer.edit_url || "" });
    }
    var detail = { entry: entry, answer: answer };
    document.dispatchEvent(new CustomEvent("outbox:ack", { detail: detail }));
    if (channel) channel.postMessage({ type: "ack", detail: detail });
  }

  function retry(id) {
    return transaction(["outbox"], "readwrite", async function (s) {
      var entry = await done(s.outbox.get(id));
      if (entry && entry.state === "rejected") {
        entry.state = "waiting";
        entry.error = null;
        entry.failures = 0;
        s.outbox.put(entry);
      }
    }).then(function () { changed(); state.failures = 0; state.nextTry = 0; drain(); });
  }

  // Deletes an entry for good; a record (a seizure being timed) that no entry needs any more
  // goes with it, so the phone stops showing that seizure as running.
  function discard(id) {
    return transaction(["outbox", "records"], "readwrite", async function (s) {
      var entry = await done(s.outbox.get(id));
      if (!entry) return;
      s.outbox.delete(id);
      var others = (await done(s.outbox.index("key").getAll(entry.key))).filter(function (e) { return e.id !== id; });
      if (!others.length) s.records.delete(entry.key);
    }).then(changed);
  }

  // --- Notices: answers that saved nothing new but that the person should know about ----------
  function notices() {
    try { return JSON.parse(localStorage.getItem(NOTICES) || "[]"); } catch (e) { return []; }
  }

  function addNotice(notice) {
    try { localStorage.setItem(NOTICES, JSON.stringify(notices().concat([notice]).slice(-10))); } catch (e) { /* full */ }
  }

  function dismissNotice(index) {
    var all = notices();
    all.splice(index, 1);
    try { localStorage.setItem(NOTICES, JSON.stringify(all)); } catch (e) { /* private mode */ }
    changed();
  }

  // --- Telling the pages -----------------------------------------------------------------------
  // outbox-status.js draws where entries stand; logging pages redraw their counts.
  function changed() {
    document.dispatchEvent(new CustomEvent("outbox:changed"));
    if (channel) channel.postMessage({ type: "changed" });
  }

  function forgetPages() {
    if (!("caches" in window)) return Promise.resolve();
    return caches.delete("seizure-log-pages").catch(function () { return false; });
  }

  // Everything this person's sign-in left on the phone: entries, records, notices, kept pages.
  function clearMine() {
    try { localStorage.removeItem(NOTICES); } catch (e) { /* private mode */ }
    var stored = transaction(["outbox", "records"], "readwrite", async function (s) {
      (await done(s.outbox.getAll())).filter(mine).forEach(function (e) { s.outbox.delete(e.id); });
      (await done(s.records.getAll())).filter(mine).forEach(function (r) { s.records.delete(r.key); });
    }).catch(function () { /* nothing stored */ });
    return Promise.all([stored, forgetPages()]);
  }

  // --- When to send -------------------------------------------------------------------------
  function soon() {
    state.failures = 0;
    state.nextTry = 0;
    drain();
  }

  window.addEventListener("online", function () { state.offline = false; soon(); });
  window.addEventListener("offline", function () { state.offline = true; changed(); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") soon(); });
  if (channel) {
    channel.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "ack") document.dispatchEvent(new CustomEvent("outbox:ack", { detail: data.detail }));
      document.dispatchEvent(new CustomEvent("outbox:changed"));
    });
  }
  setInterval(function () {
    if (Date.now() >= state.nextTry) drain();
  }, RETRY_EVERY_MS);
  document.addEventListener("DOMContentLoaded", function () { drain(); });

  window.SeizureLog = Object.assign(window.SeizureLog || {}, {
    clock: clock,
    parseTime: parseTime,
    fmt: fmt,
    outbox: {
      available: function () { return openDb().then(function () { return true; }, function () { return false; }); },
      owner: owner,
      put: put,
      cancel: cancel,
      list: function () { return list().then(function (all) { return all.filter(mine); }); },
      flush: flush,
      drain: drain,
      records: records,
      getRecord: getRecord,
      keepRecord: keepRecord,
      updateRecord: updateRecord,
      forgetPages: forgetPages,
      clearMine: clearMine,
      // For outbox-status.js: everything on the phone (any sign-in), and what to do with it.
      all: list,
      mine: mine,
      text: text,
      loginUrl: config.login_url,
      state: state,
      retry: retry,
      discard: discard,
      notices: notices,
      dismissNotice: dismissNotice,
    },
  });
})();
