// The installable app on the page's side: registers the service worker, asks it to keep the
// pages this page names for offline use (and to fetch its copies again once entries reach the
// server, so that they never show a day without them), says when a page is the phone's copy
// or the phone is offline, and removes the family's kept pages whenever a page is seen signed
// out.
(function () {
  "use strict";

  var html = document.documentElement;
  var signedIn = false;

  function config() {
    var node = document.getElementById("outbox-config");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  }

  function keptPages() {
    var meta = document.querySelector('meta[name="offline-pages"]');
    return meta ? meta.content.split(/\s+/).filter(Boolean) : [];
  }

  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function () { resolve(); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  function register() {
    var url = html.dataset.serviceWorker;
    if (!url || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(url, { scope: "/" }).catch(function () {
      // No service worker (private mode, an old browser): everything works while online.
    });
    if (!signedIn || html.dataset.served !== "network") return;
    navigator.serviceWorker.ready.then(function (registration) {
      var pages = keptPages();
      if (!pages.length || !registration.active) return null;
      return ask(registration.active, { type: "keep", urls: pages }).then(function () {
        return sameLanguage(registration.active);
      });
    }).then(function () {
      html.dataset.offlineReady = "true";
    });
  }

  // The phone's copies speak the language they were fetched in. When a page arrives in
  // another (the member chose one on the account page), fetch them all again, so a copy
  // opened offline mid-seizure is not in a language the person holding the phone cannot read.
  function sameLanguage(worker) {
    var key = "seizure-log:copies-lang";
    var before;
    try { before = window.localStorage.getItem(key); } catch (e) { return null; }
    if (before === html.lang) return null;
    var done = before ? ask(worker, { type: "refresh" }) : Promise.resolve();
    return done.then(function () {
      try { window.localStorage.setItem(key, html.lang); } catch (e) { /* storage full or off */ }
    });
  }

  // Has the service worker fetch its copies again while online: every kept page once entries
  // reached the server ("refresh": a copy opened with no network must count them; the page's
  // script adds only what is still on the phone), and when the app is shown again, the pages
  // this page names whose copy is getting old ("keep").
  function refreshCopies(message) {
    if (!signedIn || navigator.onLine === false || !("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) ask(registration.active, message);
    });
  }

  // A page seen signed out (online, from the network) means this phone's copies of family
  // pages belong to nobody signed in: remove them. Unsent entries stay (they ask for a sign-in).
  function forgetWhenSignedOut() {
    if (signedIn || html.dataset.served !== "network" || navigator.onLine === false) return;
    if (document.querySelector("[data-offline-page]") || !window.SeizureLog) return;
    window.SeizureLog.outbox.forgetPages();
  }

  function hhmm(iso) {
    var date = new Date(window.SeizureLog ? window.SeizureLog.parseTime(iso) : Date.parse(iso));
    return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function offlineNote() {
    var note = document.querySelector("[data-offline-note]");
    if (!note) return;
    var text = config().text || {};
    var fmt = window.SeizureLog ? window.SeizureLog.fmt : function (t) { return t; };
    var lines = [];
    if (navigator.onLine === false) lines.push(text.offline);
    if (html.dataset.served === "cache") {
      lines.push(fmt(text.kept_page, { time: hhmm(html.dataset.keptAt) }));
      if (navigator.onLine !== false) lines.push(text.reload);
    }
    note.textContent = lines.join(" ");
    note.hidden = !lines.length;
  }

  // An installed app asks the browser to keep its storage (the unsent entries) even when the
  // phone runs short of space; browsers grant it to installed apps without asking the person.
  function keepStorage() {
    if (!signedIn || !navigator.storage || !navigator.storage.persist) return;
    if (!window.matchMedia("(display-mode: standalone)").matches) return;
    navigator.storage.persisted().then(function (kept) { if (!kept) navigator.storage.persist(); });
  }

  // htmx's polls and lazy loads cannot succeed offline; not trying spares errors and battery.
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (navigator.onLine === false) event.preventDefault();
  });
  document.addEventListener("outbox:sent", function () { refreshCopies({ type: "refresh" }); });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refreshCopies({ type: "keep", urls: keptPages() });
  });
  window.addEventListener("online", offlineNote);
  window.addEventListener("offline", offlineNote);
  document.addEventListener("DOMContentLoaded", function () {
    signedIn = !!config().owner;
    offlineNote();
    register();
    keepStorage();
    forgetWhenSignedOut();
  });
})();
