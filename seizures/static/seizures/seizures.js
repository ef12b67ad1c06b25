// Logging pages: running clocks, the rescue alert, a fresh key per tally tap, screen wake lock.
// (With IndexedDB, logging.js and timer.js take the taps over and keep them on the phone.)
// Everything here is an enhancement: every form also works as a plain POST without script.
(function () {
  "use strict";

  // Random v4 UUID. crypto.randomUUID exists only on secure origins; getRandomValues everywhere.
  function uuid4() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  // Same format as the server's `duration` filter: 2:13, or 1:02:05 past an hour.
  function format(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(r).padStart(2, "0");
  }

  // Elapsed time always comes from the stored start, read on the phone's clock corrected by
  // the server's (outbox.js measures the difference; a copy of a page kept on the phone says
  // nothing about the clock, so the page's own render time is never used for it).
  function now() {
    return window.SeizureLog ? window.SeizureLog.clock.now() : Date.now();
  }

  function elapsedSeconds(el, startAttr) {
    var value = el.getAttribute(startAttr);
    var start = window.SeizureLog ? window.SeizureLog.parseTime(value) : Date.parse(value);
    return (now() - start) / 1000;
  }

  var alerted = false;

  function raiseAlert(timer) {
    var box = timer.querySelector("[data-rescue-alert]");
    if (!box || alerted) return;
    alerted = true;
    box.hidden = false;
    // Over the bottom of the screen wherever the parent has scrolled; the plan can be hidden.
    box.classList.add("floating");
    box.querySelector("[data-plan-toggle]").hidden = false;
    document.body.classList.add("threshold-reached");
    // Browsers allow vibration only after the user has touched the page; a silent failure is fine.
    if (navigator.vibrate) {
      try { navigator.vibrate([600, 250, 600, 250, 600]); } catch (e) { /* not allowed here */ }
    }
  }

  function togglePlan(button) {
    var box = button.closest("[data-rescue-alert]");
    var open = box.classList.toggle("plan-hidden") === false;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? button.dataset.hide : button.dataset.show;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-plan-toggle]");
    if (button) togglePlan(button);
  });

  function tick() {
    document.querySelectorAll("[data-elapsed-from]").forEach(function (el) {
      el.textContent = format(elapsedSeconds(el, "data-elapsed-from"));
    });
    var timer = document.querySelector("[data-timer]");
    if (timer) {
      if (timer.hasAttribute("data-stopped")) return;
      var seconds = elapsedSeconds(timer, "data-started-at");
      var out = timer.querySelector("[data-elapsed]");
      if (out) out.textContent = format(seconds);
      if (seconds >= Number(timer.dataset.threshold)) raiseAlert(timer);
    }
  }

  // Keep the screen on while a seizure is timed, where the browser allows it.
  var wakeLock = null;
  function keepAwake() {
    if (!document.querySelector("[data-timer]") || !("wakeLock" in navigator)) return;
    if (wakeLock !== null || document.visibilityState !== "visible") return;
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* refused (battery saver, no permission): the timer still works */ });
  }

  // Past-seizure form: side pickers only under a ticked sign, and path rows one at a time.
  // Without script every control simply shows.
  function sideChoices(root) {
    root.querySelectorAll("[data-sign-field]").forEach(function (field) {
      var box = field.querySelector("input[type=checkbox]");
      var extras = field.querySelectorAll("[data-side-choice]");
      if (!box || !extras.length) return;
      function sync() { extras.forEach(function (el) { el.hidden = !box.checked && !el.querySelector(".errorlist"); }); }
      box.addEventListener("change", sync);
      sync();
    });
  }

  function pathRows(root) {
    root.querySelectorAll("[data-path-rows]").forEach(function (list) {
      var rows = Array.prototype.slice.call(list.querySelectorAll("[data-path-row]"));
      function sync() {
        var previousFilled = true;
        rows.forEach(function (row) {
          var select = row.querySelector("select");
          var used = select.value !== "" || row.querySelector("input").value !== "" || row.querySelector(".errorlist");
          row.hidden = !used && !previousFilled;
          previousFilled = select.value !== "";
        });
      }
      list.addEventListener("change", sync);
      sync();
    });
  }

  function init(root) {
    if (!root.querySelectorAll) return;
    sideChoices(root);
    pathRows(root);
    var focus = root.querySelector("[data-focus-on-load]");
    if (focus) focus.focus();
  }

  // Each tap on "+1" is its own seizure: give every request (also queued ones) a new key,
  // so fast taps each count once while a repeated request of one tap still counts once.
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("[data-fresh-uuid]");
    if (form) event.detail.formData.set("client_uuid", uuid4());
  });

  // A page restored from the back/forward cache must not resend the key of an earlier tap.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("input[data-client-uuid]").forEach(function (input) { input.value = uuid4(); });
  });

  // The JSON a page carries in a json_script element (null when absent or unreadable).
  function readJson(id) {
    var node = document.getElementById(id);
    try { return node ? JSON.parse(node.textContent) : null; } catch (e) { return null; }
  }

  window.SeizureLog = Object.assign(window.SeizureLog || {}, { uuid4: uuid4, duration: format, readJson: readJson });

  document.addEventListener("visibilitychange", keepAwake);
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    keepAwake();
    window.setInterval(tick, 500);
  });
  // htmx calls this for the page on load and again for every fragment it swaps in.
  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
