// Logging without a network. Where the phone has IndexedDB, "Seizure now", "+1", "undo last"
// and the past-seizure form keep each entry on the phone first (outbox.js) and send it from
// there, online or not; today's count includes what is still on the phone, and the page shows
// the seizures this phone is timing. Without IndexedDB the forms simply post as before.
// Shared with timer.js as window.SeizureLog.logging.
(function () {
  "use strict";

  var SL = window.SeizureLog;
  if (!SL || !SL.outbox || !SL.rules) return;
  var config = SL.readJson("logging-config");
  if (!config) return;
  var text = config.text;
  var FLASH = "seizure-log-flash";
  var ready = false;
  var ackedTally = null; // the server's count and taps, as in the newest answer to a tap
  var SEIZURE_KINDS = ["episode", "form", "tally"]; // entries that are (or add) a seizure

  // --- Times in the child's time zone (as the server shows them) ------------------------------
  var zoneFormat = new Intl.DateTimeFormat("en-CA", {
    timeZone: config.zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });

  function parts(ms) {
    var out = {};
    zoneFormat.formatToParts(new Date(ms)).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }

  function day(ms) { var p = parts(ms); return p.year + "-" + p.month + "-" + p.day; }
  function hhmm(ms) { var p = parts(ms); return p.hour + ":" + p.minute; }
  function wall(ms) { return day(ms) + "T" + hhmm(ms); }
  function iso(ms) { return new Date(ms).toISOString(); }

  function entry(kind, key, body, label, dayValue, extra) {
    return Object.assign({
      url: config.urls.sync, kind: kind, key: key, child: config.child, day: dayValue, label: label,
      body: Object.assign({ kind: kind, client_uuid: key }, body),
    }, extra || {});
  }

  function label(template, ms) { return SL.fmt(template, { name: config.name, time: hhmm(ms) }); }

  // --- A message carried to the next page (like Django's messages, but without the server) ---
  function flash(message) {
    try { sessionStorage.setItem(FLASH, message); } catch (e) { /* private mode: no message */ }
  }

  function showFlash() {
    var message;
    try { message = sessionStorage.getItem(FLASH); sessionStorage.removeItem(FLASH); } catch (e) { message = null; }
    if (!message) return;
    var main = document.getElementById("main");
    var list = main.querySelector(".messages");
    if (!list) {  // as base.html makes it: the live region around the list
      var region = document.createElement("div");
      region.setAttribute("role", "status");
      list = document.createElement("ul");
      list.className = "messages";
      region.append(list);
      main.querySelector(".outbox").after(region);
    }
    var item = document.createElement("li");
    item.className = "message message-success";
    item.textContent = message;
    list.append(item);
  }

  // --- Seizure now ---------------------------------------------------------------------------
  function timerUrl(key) { return config.urls.timer + "?id=" + encodeURIComponent(key); }

  // A seizure already being timed near `at`: on this phone, or on the server as last shown.
  async function runningNear(at) {
    var found = [];
    (await SL.outbox.records()).forEach(function (r) {
      if (r.child !== config.child || !r.state || !r.state.in_progress || r.state.deleted || r.ended) return;
      found.push({ at: SL.parseTime(r.joined_start || r.state.started_at), url: timerUrl(r.key) });
    });
    document.querySelectorAll("[data-running]").forEach(function (banner) {
      var link = banner.querySelector("[data-timer-link]");
      if (link) found.push({ at: SL.parseTime(banner.dataset.startedAt), url: link.href });
    });
    found = found.filter(function (r) { return SL.rules.joins(at, r.at, config.rules); });
    found.sort(function (a, b) { return b.at - a.at; });
    return found[0] || null;
  }

  var starting = false;
  // Back to this page from the timer (the back/forward cache keeps its script's state).
  window.addEventListener("pageshow", function () { starting = false; });

  async function seizureNow() {
    if (starting) return; // a double tap starts one seizure
    starting = true;
    var at = SL.clock.now();
    var running = await runningNear(at);
    if (running) {
      flash(SL.fmt(text.already_timed, { time: hhmm(running.at) }));
      location.assign(running.url);
      return;
    }
    var key = SL.uuid4();
    var started = iso(at);
    var record = { key: key, child: config.child, state: { client_uuid: key, started_at: started, in_progress: true, path: [] } };
    // Sent from the timer page, which opens at once (the start is already on the phone).
    await SL.outbox.put(
      entry("episode", key, { started_at: started, in_progress: true }, label(text.label_seizure, at), day(at)),
      { record: record, send: false },
    );
    var kept = navigator.onLine !== false || ("caches" in window && await caches.match(config.urls.timer, { ignoreSearch: true }));
    if (kept) {
      location.assign(timerUrl(key));
      return;
    }
    starting = false;
    var box = document.querySelector("[data-timer-unavailable]");
    box.textContent = SL.fmt(text.no_timer_offline, { time: hhmm(at) });
    box.hidden = false;
    SL.outbox.drain();
    drawRunning();
  }

  // --- +1 and undo last ------------------------------------------------------------------------
  function tap() {
    var at = SL.clock.now();
    return SL.outbox.put(entry("tally", SL.uuid4(), { tapped_at: iso(at) }, label(text.label_tap, at), day(at)));
  }

  // The server's count and newest taps: from the page (refreshed every few seconds) or from
  // the answer to a tap, whichever the server made last.
  function serverTally() {
    var node = document.getElementById("tally-state");
    var page = null;
    try { page = node ? JSON.parse(node.dataset.state) : null; } catch (e) { /* none yet */ }
    if (ackedTally && (!page || SL.parseTime(ackedTally.server_now) > SL.parseTime(page.server_now))) return ackedTally;
    return page || { today_count: 0, taps: [], server_now: "" };
  }

  async function ours() {
    return (await SL.outbox.list()).filter(function (e) { return e.child === config.child; });
  }

  // The newest tap not yet undone: one still on the phone, or one the server holds.
  async function lastTap(entries) {
    var phone = entries.filter(function (e) { return e.kind === "tally"; }).map(function (e) {
      return { key: e.key, at: SL.parseTime(e.body.tapped_at), day: e.day };
    });
    var undone = entries.filter(function (e) { return e.kind === "undo"; }).map(function (e) { return e.key; });
    var server = serverTally().taps.map(function (t) {
      var at = SL.parseTime(t.started_at);
      return { key: t.client_uuid, at: at, day: day(at) };
    });
    return SL.rules.lastTap(phone, undone, server);
  }

  // Takes back the tap the button names (set when it was drawn), so a double tap on "undo"
  // takes back one tap, not two — as the server does for a repeated undo.
  async function undoLast(form) {
    var last = await lastTap(await ours());
    if (!last || last.key !== form.dataset.key) return;
    // A tap still on the phone (and not being sent) is simply taken back; otherwise the
    // server is asked to take it back, after the tap itself has reached it.
    if (await SL.outbox.cancel(last.key)) return;
    await SL.outbox.put(entry("undo", last.key, {}, SL.fmt(text.label_undo, { name: config.name }), last.day));
  }

  // --- "No more seizures today" ------------------------------------------------------------------
  // Kept on the phone like a tap, stamped with the moment it was pressed, so a day confirmed
  // in the evening and sent the next morning is not "late". The day is the child's today when
  // pressed, not the one in the form: the phone's copy of the page may be from another day.
  function confirmDay(form) {
    var at = SL.clock.now();
    var body = { day: day(at), confirmed_at: iso(at) };
    return SL.outbox.put(entry("confirm", form.elements.client_uuid.value, body, label(text.label_confirm, at), body.day));
  }

  // While today's confirmation is on the phone, and once the server has it, the button gives
  // way to saying so.
  async function renderConfirm() {
    var form = document.querySelector("form[data-day-confirm]");
    if (!form) return;
    var today = day(SL.clock.now());
    var held = (await ours()).some(function (e) { return e.kind === "confirm" && e.body.day === today && e.state !== "rejected"; });
    var words = form.dataset.confirmed === today ? text.day_confirmed : held ? text.confirm_kept : "";
    var note = form.parentNode.querySelector("[data-confirm-note]");
    form.hidden = Boolean(words);
    if (words && !note) {
      note = document.createElement("p");
      note.setAttribute("role", "status");
      note.dataset.confirmNote = "";
      form.after(note);
    }
    if (note && note.textContent !== words) note.textContent = words;
    if (note && !words) note.remove();
  }

  // --- "Too frequent to count" ------------------------------------------------------------------
  // Started and ended through the outbox like a tap, each stamped with the moment it was
  // pressed. The end names the start this phone still holds, if any, so that one is ended.
  // After each, the form gets a fresh key: the next start or end is another, never a replay.
  async function uncountableStart(form) {
    var at = SL.clock.now();
    var body = { action: "start", at: iso(at) };
    await SL.outbox.put(entry("uncountable", form.elements.client_uuid.value, body, label(text.label_uncountable_start, at), day(at)));
    form.elements.client_uuid.value = SL.uuid4();
  }

  async function uncountableEnd(form) {
    var at = SL.clock.now();
    var typed = form.elements.estimated_count.value.trim();
    var body = { action: "end", at: iso(at), estimated_count: typed === "" ? null : Number(typed) };
    var starts = (await ours()).filter(function (e) { return e.kind === "uncountable" && e.body.action === "start"; });
    if (starts.length) body.started_key = starts[starts.length - 1].key;
    await SL.outbox.put(entry("uncountable", form.elements.client_uuid.value, body, label(text.label_uncountable_end, at), day(at)));
    form.elements.client_uuid.value = SL.uuid4();
    form.elements.estimated_count.value = "";
  }

  // Which of start and end to offer: the server's state when the page was drawn, then what
  // this phone sent since (acknowledged, or still held).
  async function renderUncountable() {
    var section = document.querySelector("[data-uncountable]");
    var start = document.querySelector("form[data-uncountable-start]");
    var end = document.querySelector("form[data-uncountable-end]");
    if (!section || !start || !end) return;
    var held = (await ours()).filter(function (e) { return e.kind === "uncountable" && e.state !== "rejected"; });
    var open = held.length ? held[held.length - 1].body.action === "start" : section.dataset.open === "true";
    start.hidden = open;
    end.hidden = !open;
    var note = section.querySelector("[data-uncountable-note]");
    if (held.length && !note) {
      note = document.createElement("p");
      note.setAttribute("role", "status");
      note.dataset.uncountableNote = "";
      note.textContent = text.uncountable_kept;
      section.prepend(note);
    }
    if (note && !held.length) note.remove();
  }

  async function renderTally() {
    var count = document.querySelector("[data-today-count]");
    var none = document.querySelector("[data-none-logged]");
    if (!count && !none) return;
    var entries = await ours();
    if (none) {
      // Never "no seizures" beside seizures this phone holds.
      none.dataset.none = none.dataset.none || none.textContent;
      var held = entries.some(function (e) { return e.state !== "rejected" && SEIZURE_KINDS.indexOf(e.kind) >= 0; });
      none.textContent = held ? none.dataset.onPhone : none.dataset.none;
    }
    if (!count) return;
    var server = serverTally();
    var today = day(SL.clock.now());
    var serverDay = server.server_now ? day(SL.parseTime(server.server_now)) : null;
    var base = SL.rules.todayCount(server.today_count, serverDay, entries, today);
    if (count.textContent !== String(base)) count.textContent = String(base);
    var words = document.querySelector("[data-count-words]");
    if (words) words.textContent = base === 1 ? words.dataset.one : words.dataset.other;
    var undo = document.querySelector("form[data-undo]");
    if (!undo) return;
    var last = await lastTap(entries);
    undo.hidden = !last;
    undo.dataset.key = last ? last.key : "";
    if (last) undo.querySelector("button").textContent = SL.fmt(text.undo_last, { time: hhmm(last.at) });
  }

  // --- Seizures this phone is timing that the page (from the server) does not show -----------
  async function renderRunning() {
    var box = document.querySelector("[data-local-running]");
    if (!box) return;
    var shown = new Set();
    document.querySelectorAll("[data-running]").forEach(function (b) { shown.add(b.dataset.clientUuid); shown.add(b.dataset.episode); });
    var records = (await SL.outbox.records()).filter(function (r) {
      return r.child === config.child && r.state && r.state.in_progress && !r.state.deleted && !r.ended &&
        !shown.has(r.key) && !shown.has(r.episode);
    });
    box.replaceChildren.apply(box, records.map(function (r) {
      var startedAt = r.joined_start || r.state.started_at;
      var started = SL.parseTime(startedAt);
      var banner = document.createElement("div");
      banner.className = "banner in-progress";
      var p = document.createElement("p");
      var strong = document.createElement("strong");
      var clock = document.createElement("span");
      clock.className = "elapsed-inline";
      clock.setAttribute("data-elapsed-from", startedAt);
      clock.textContent = SL.duration((SL.clock.now() - started) / 1000);
      strong.append(text.running + " — ", clock);
      var when = document.createElement("span");
      when.className = "muted";
      when.textContent = SL.fmt(text.running_here, { time: hhmm(started) });
      p.append(strong, " ", when);
      var link = document.createElement("a");
      link.className = "button primary";
      link.href = timerUrl(r.key);
      link.textContent = text.open_timer;
      banner.append(p, link);
      return banner;
    }));
  }

  // --- The past-seizure form -------------------------------------------------------------------
  function formFields(form) {
    var fields = {};
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken") fields[name] = value;
    });
    return fields;
  }

  function fillForm(form, fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      var value = Object.prototype.hasOwnProperty.call(fields, el.name) ? fields[el.name] : "";
      if (el.type === "checkbox") el.checked = value !== "";
      else if (el.type === "radio") el.checked = el.value === value;
      else el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-js-error]").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  // The server's refusal, shown the way the server shows a form's errors.
  function showErrors(form, errors) {
    clearErrors(form);
    form.dataset.outboxEditing = form.elements.client_uuid.value;
    document.dispatchEvent(new CustomEvent("outbox:changed"));
    var top = document.createElement("div");
    top.className = "form-error";
    top.setAttribute("role", "alert");
    top.setAttribute("tabindex", "-1");
    top.setAttribute("data-js-error", "");
    var p = document.createElement("p");
    p.textContent = text.form_errors;
    top.append(p);
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.elements[name];
      var first = field && (field.length !== undefined && !field.tagName ? field[0] : field);
      var list = document.createElement("ul");
      list.className = "errorlist";
      list.id = "js-error-" + name;
      list.setAttribute("data-js-error", "");
      errors[name].forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        list.append(li);
      });
      if (!first || first.type === "hidden") {
        top.append(list);
        return;
      }
      var group = first.type === "radio" ? first.closest("fieldset") || first : first;
      group.before(list);
      var inputs = field.length !== undefined && !field.tagName ? Array.prototype.slice.call(field) : [field];
      inputs.forEach(function (input) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", list.id);
      });
      var row = first.closest("[hidden]");
      if (row) row.hidden = false;
    });
    form.prepend(top);
    top.focus();
  }

  function fieldErrors(error) {
    var errors = (error && error.errors) || {};
    return Object.keys(errors).length ? errors : { __all__: [(error && error.message) || ""] };
  }

  async function submitForm(form) {
    var fields = formFields(form);
    var key = fields.client_uuid;
    var started = fields.started_at || "";
    var button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    await SL.outbox.put(entry(
      "form", key, { fields: fields },
      SL.fmt(text.label_form, { name: config.name, time: started.replace("T", " ") }),
      started.slice(0, 10),
      { fix: config.urls.add + "?fix=" + encodeURIComponent(key) },
    ), { replace: true, send: false });
    var result = await SL.outbox.flush(key, 10000);
    button.disabled = false;
    if (result.state === "rejected") {
      showErrors(form, fieldErrors(result.error));
      return;
    }
    if (result.state === "saved") {
      flash(text.form_saved);
      location.assign((result.answer && result.answer.url) || config.urls.timeline);
      return;
    }
    flash(text.form_kept);
    location.assign(config.urls.home);
  }

  async function initForm() {
    var form = document.querySelector("form[data-episode-form]");
    if (!form) return;
    var fix = new URLSearchParams(location.search).get("fix");
    var queued = fix && (await SL.outbox.list()).find(function (e) { return e.key === fix && e.kind === "form"; });
    if (queued) {
      fillForm(form, SL.rules.currentFormFields(queued.body.fields));
      if (queued.error) showErrors(form, fieldErrors(queued.error));
    } else if (document.documentElement.dataset.served === "cache") {
      // The phone's copy of the form: a new key for this seizure, and "now" as the start.
      form.elements.client_uuid.value = SL.uuid4();
      form.elements.started_at.value = wall(SL.clock.now());
    }
  }

  // --- A dose given or skipped with no network ------------------------------------------------------
  // Online the form posts as it is: the server names a dose someone else already gave and asks
  // before a second one. Offline it is kept on the phone, stamped with the tap's time (or the
  // time typed), and sent later; a dose someone gave meanwhile makes this one an extra dose,
  // and the answer says so.
  function giveOffline(form, button) {
    var at = SL.clock.now();
    var status = button && button.value === "skipped" ? "skipped" : "given";
    var reason = form.elements.reason;
    var typed = form.elements.given_at ? form.elements.given_at.value : "";
    var body = {
      medicine: form.elements.medicine.value, scheduled_at: form.elements.scheduled_at.value,
      status: status, reason: reason ? reason.value : "",
    };
    if (status === "given") {
      if (typed) body.given_at_local = typed;
      else body.given_at = iso(at);
    }
    var words = SL.fmt(text.label_dose, { name: config.name, medicine: form.dataset.medicineName, time: hhmm(at) });
    return SL.outbox.put(entry("dose", form.elements.client_uuid.value, body, words, day(at)));
  }

  // A due dose this phone holds shows as kept here instead of its buttons.
  async function renderDoses() {
    var slots = document.querySelectorAll("[data-dose-slot]");
    if (!slots.length) return;
    var held = {};
    (await ours()).forEach(function (e) { if (e.kind === "dose" && e.state !== "rejected") held[e.key] = e.body.status; });
    slots.forEach(function (slot) {
      var status = "";
      slot.querySelectorAll("form[data-dose]").forEach(function (form) {
        status = status || held[form.elements.client_uuid.value] || "";
      });
      slot.querySelectorAll("form[data-dose]").forEach(function (form) { form.hidden = Boolean(status); });
      var note = slot.parentNode.querySelector("[data-dose-note]");
      if (status && !note) {
        note = document.createElement("p");
        note.setAttribute("role", "status");
        note.dataset.doseNote = "";
        slot.after(note);
      }
      if (note) note.textContent = status === "given" ? text.dose_given_kept : status ? text.dose_skipped_kept : "";
      if (note && !status) note.remove();
    });
  }

  // --- Wiring ----------------------------------------------------------------------------------
  // If the phone cannot keep an entry (storage full, IndexedDB failing), the form is sent
  // the way it would be without script, so the tap still reaches the server when online.
  function submitPlainly(form, button) {
    form.dataset.plain = "true";
    form.requestSubmit(button && button.form === form ? button : undefined);
    delete form.dataset.plain;
  }

  // In the capture phase, so htmx never sends what the outbox now carries.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!ready || !config.can_write || form.dataset.plain) return;
    var button = event.submitter;
    // A dose goes through the outbox only offline (online, the server may ask to confirm it).
    var doseOffline = form.matches("form[data-dose]") && navigator.onLine === false;
    var action = doseOffline ? function () { return giveOffline(form, button); }
      : form.matches("form[data-seizure-now]") ? seizureNow
      : form.matches("form[data-tally]") ? tap
        : form.matches("form[data-undo]") ? function () { return undoLast(form); }
          : form.matches("form[data-episode-form]") ? function () { return submitForm(form); }
            : form.matches("form[data-day-confirm]") ? function () { return confirmDay(form); }
              : form.matches("form[data-uncountable-start]") ? function () { return uncountableStart(form); }
                : form.matches("form[data-uncountable-end]") ? function () { return uncountableEnd(form); }
                  : null;
    if (!action) return;
    event.preventDefault();
    event.stopPropagation();
    Promise.resolve().then(action).catch(function () { submitPlainly(form, button); });
  }, true);

  // One drawing at a time (each reads the outbox, asynchronously): a call made meanwhile draws
  // once more afterwards, so an older reading never overwrites a newer one.
  function serial(draw) {
    var running = null;
    var again = false;
    function run() {
      if (running) { again = true; return running; }
      running = draw().finally(function () {
        running = null;
        if (again) { again = false; run(); }
      });
      return running;
    }
    return run;
  }

  var drawTally = serial(renderTally);
  var drawRunning = serial(renderRunning);
  var drawConfirm = serial(renderConfirm);
  var drawUncountable = serial(renderUncountable);
  var drawDoses = serial(renderDoses);

  function refresh() {
    if (!ready) return;
    drawTally();
    drawRunning();
    drawConfirm();
    drawUncountable();
    drawDoses();
  }

  document.addEventListener("outbox:changed", refresh);
  document.addEventListener("outbox:ack", function (event) {
    var detail = event.detail;
    if (detail.entry.child !== config.child) return;
    if (detail.answer.tally) ackedTally = detail.answer.tally;
    if (detail.entry.kind === "episode") remember(detail.entry, detail.answer);
    var confirmForm = document.querySelector("form[data-day-confirm]");
    if (detail.entry.kind === "confirm" && confirmForm) confirmForm.dataset.confirmed = detail.entry.body.day;
    var uncountable = document.querySelector("[data-uncountable]");
    if (detail.entry.kind === "uncountable" && uncountable) uncountable.dataset.open = String(detail.entry.body.action === "start");
    refresh();
  });

  // The server's view of a seizure this phone times: where it is stored, and — when the start
  // joined a seizure another phone was timing — that seizure's start.
  async function remember(sent, answer) {
    var fields = { episode: answer.episode, ended: answer.in_progress === false };
    if (answer.status === "joined") fields.joined_start = answer.started_at;
    var record = await SL.outbox.updateRecord(sent.key, fields);
    if (record) document.dispatchEvent(new CustomEvent("seizure:record", { detail: record }));
  }

  document.addEventListener("DOMContentLoaded", function () {
    showFlash();
    SL.outbox.available().then(function (ok) {
      ready = ok;
      if (!ok) return;
      refresh();
      if (config.can_write) initForm();
    });
    if (window.htmx) window.htmx.onLoad(function () { refresh(); });
  });

  SL.logging = {
    config: config, text: text, entry: entry, label: label, flash: flash, day: day, hhmm: hhmm,
    timerUrl: timerUrl, submitPlainly: submitPlainly,
  };
})();
