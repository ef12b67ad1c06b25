// The timer, run from the phone's own record of the seizure. Every tap changes the record and
// the screen at once and goes into the outbox as a change to the seizure (changes made while
// offline fold into one entry), so nothing waits for the network and nothing is lost without
// it; others see the seizure running as soon as the server hears of it. The record is the
// server's state (when the page came from the network) plus this phone's unsent changes, or
// the phone's own record (a copy of the page kept on the phone, a seizure started offline).
(function () {
  "use strict";

  var SL = window.SeizureLog;
  var root = document.querySelector("[data-timer]");
  if (!SL || !SL.logging || !SL.outbox || !SL.rules || !root) return;
  var log = SL.logging;
  var text = log.text;
  var config = log.config;
  var shell = root.hasAttribute("data-shell");
  // The shell page names the seizure in its address (its kept copy may hold another one's key).
  var key = (shell ? new URLSearchParams(location.search).get("id") : root.dataset.clientUuid) || "";
  var rules = SL.rules;
  var plan = config.plan;
  var state = null; // the seizure as this phone knows it
  var record = {}; // what the server said about it (where it is stored, a joined start)
  var ending = false;
  var lastClicked = null;
  var regionLabels = {};
  root.querySelectorAll('button[name="region"]').forEach(function (b) { regionLabels[b.value] = b.textContent.trim(); });

  function start() { return SL.parseTime(record.joined_start || state.started_at); }
  function elapsed() { return (SL.clock.now() - start()) / 1000; }

  // What an entry for this seizure changes (the start is fixed once the seizure exists).
  function applyChanges(target, body) {
    Object.keys(body).forEach(function (name) {
      if (name !== "kind" && name !== "client_uuid" && name !== "started_at") target[name] = body[name];
    });
  }

  var loading = (async function load() {
    if (!(await SL.outbox.available()) || !key) return false;
    var fresh = document.documentElement.dataset.served !== "cache";
    var server = fresh ? SL.readJson("timer-state") : null;
    if (server && server.client_uuid !== key) server = null;
    var kept = await SL.outbox.getRecord(key);
    record = kept || {};
    if (server) {
      state = Object.assign({}, server);
      (await SL.outbox.list()).forEach(function (e) {
        if (e.key === key && e.kind === "episode") applyChanges(state, e.body);
      });
    } else if (kept && kept.state) {
      state = kept.state;
    } else {
      notice(text.not_on_phone, text.back_home, config.urls.home, true);
      return false;
    }
    state.path = state.path || [];
    // A record kept before the onset state replaced "asleep when it began" (its entries say
    // the same to the server).
    if (!state.onset) state.onset = state.asleep_at_onset ? "asleep" : "unknown";
    delete state.asleep_at_onset;
    await SL.outbox.keepRecord({ key: key, child: config.child, state: state });
    var typed = root.querySelector("#rescue-medicine");
    if (typed) typed.value = state.rescue_medicine || "";
    render();
    return true;
  })();

  // --- Messages over the timer -----------------------------------------------------------------
  function notice(message, linkText, href, stop) {
    var box = root.querySelector("[data-timer-notice]");
    var p = document.createElement("p");
    p.textContent = message;
    box.replaceChildren(p);
    if (linkText && href) {
      var link = document.createElement("a");
      link.className = "button";
      link.href = href;
      link.textContent = linkText;
      box.append(link);
    }
    box.hidden = false;
    if (stop) {
      root.setAttribute("data-stopped", "");
      root.querySelector("[data-timer-controls]").hidden = true;
      root.querySelector("[data-timer-bar]").hidden = true;
      root.querySelector("[data-rescue-alert]").hidden = true;
    }
  }

  function showEnded() {
    notice(text.has_ended, state.edit_url ? text.open_it : text.back_home, state.edit_url || config.urls.home, true);
  }

  // --- Drawing the record ------------------------------------------------------------------------
  function press(form, current) {
    form.querySelectorAll('button[name="value"]').forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.value === (current || "")));
    });
  }

  function toggle(button, on) {
    button.setAttribute("aria-pressed", String(on));
    button.value = on ? "off" : "on";
  }

  function render() {
    root.setAttribute("data-started-at", new Date(start()).toISOString());
    if (state.in_progress && !ending) {
      // The clock (seizures.js) runs from here on, from this seizure's start.
      root.removeAttribute("data-stopped");
      root.querySelector("[data-elapsed]").textContent = SL.duration(elapsed());
    }
    var began = root.querySelector("[data-began]");
    var values = { time: log.hhmm(start()), who: state.timed_by };
    began.textContent = SL.fmt(state.timed_by && !record.joined_start ? text.began_by : text.began_here, values);
    root.querySelectorAll(".sign-group[data-sign]").forEach(function (group) {
      var on = !!state[group.dataset.sign];
      group.classList.toggle("on", on);
      toggle(group.querySelector("button.toggle"), on);
      group.querySelectorAll("form.choice-form").forEach(function (form) {
        form.hidden = !on;
        press(form, state[form.dataset.field]);
      });
    });
    root.querySelectorAll("#observations form[data-field], #colour form[data-field], #onset form[data-field]").forEach(function (form) {
      if (form.classList.contains("choice-form")) press(form, state[form.dataset.field]);
      else toggle(form.querySelector("button"), !!state[form.dataset.field]);
    });
    renderPath();
    var given = root.querySelector("[data-rescue-given]");
    if (state.rescue_given_at) {
      var what = document.createElement("strong");
      what.textContent = state.rescue_medicine;
      given.replaceChildren(what, " — " + SL.fmt(text.given_at, { time: log.hhmm(SL.parseTime(state.rescue_given_at)) }));
    }
    given.hidden = !state.rescue_given_at;
    var giveButton = root.querySelector("form[data-rescue]:not([data-plan-rescue]) button");
    if (giveButton) giveButton.textContent = state.rescue_given_at ? text.given_again : text.given_now;
    if (record.joined_start && !record.joined_seen) {
      notice(SL.fmt(text.joined, { time: log.hhmm(start()) }));
      record.joined_seen = true;
      SL.outbox.updateRecord(key, { joined_seen: true });
    }
    if (!state.in_progress && !ending) showEnded();
  }

  function renderPath() {
    var path = state.path;
    var list = root.querySelector("[data-path-steps]");
    var at = root.querySelector("#path").dataset.atWord;
    list.replaceChildren.apply(list, path.map(function (step) {
      var li = document.createElement("li");
      li.textContent = regionLabels[step.region] || step.region;
      if (step.at_seconds !== null && step.at_seconds !== undefined) {
        var when = document.createElement("span");
        when.className = "muted";
        when.textContent = at + " " + SL.duration(step.at_seconds);
        li.append(" ", when);
      }
      return li;
    }));
    list.hidden = !path.length;
    root.querySelector("[data-path-empty]").hidden = !!path.length;
    var legend = root.querySelector("[data-path-legend]");
    legend.textContent = path.length ? legend.dataset.moved : legend.dataset.began;
    root.querySelectorAll('button[name="region"]').forEach(function (b) { b.disabled = rules.pathFull(path, config.rules); });
    root.querySelector("form[data-move-undo]").hidden = !path.length;
  }

  // --- Taps ------------------------------------------------------------------------------------
  function change(patch) {
    Object.assign(state, patch);
    render();
    var at = start();
    return SL.outbox.put(
      log.entry("episode", key, patch, log.label(text.label_seizure, at), log.day(at)),
      { merge: true, record: { key: key, child: config.child, state: state } },
    );
  }

  // One change from the checklist, with the server's rules (rules.js).
  function set(form, value) {
    var on = form.classList.contains("choice-form") ? value : value === "on";
    return change(rules.signChange(state, form.dataset.field, on, config.rules));
  }

  function move(region) {
    var path = rules.appendStep(state.path, region, Math.floor(elapsed()), config.rules);
    return path ? change({ path: path }) : null;
  }

  function rescue(form) {
    var input = form.querySelector("#rescue-medicine");
    var error = form.querySelector("[data-rescue-error]");
    var value = input.value.trim().slice(0, 200);
    if (!value) {
      error.textContent = text.rescue_missing;
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
      input.focus();
      return null;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-describedby");
    return change({ rescue_medicine: value, rescue_given_at: new Date(SL.clock.now()).toISOString() });
  }

  // --- Rescue doses from the plan, and their guard -------------------------------------------------
  // The doses the guard measures against: the server's (as the page came) and this phone's,
  // the ones still waiting in the outbox and the ones sent since the page opened.
  var givenHere = [];

  async function knownDoses() {
    var doses = (plan ? plan.doses : []).map(function (d) {
      return { name: d.name, label: d.label, at: SL.parseTime(d.at), by: d.by };
    });
    var keys = {};
    givenHere.forEach(function (d) { keys[d.key] = true; doses.push(d); });
    (await SL.outbox.list()).forEach(function (e) {
      if (e.kind !== "rescue" || e.child !== config.child || keys[e.key] || e.state === "rejected") return;
      var medicine = medicineById(e.body.medicine);
      if (medicine) doses.push({ name: medicine.name, label: medicine.label, at: SL.parseTime(e.body.given_at), by: text.this_phone });
    });
    return doses;
  }

  function medicineById(id) {
    return (plan ? plan.medicines : []).find(function (m) { return m.id === id; }) || null;
  }

  // The server's rule (seizures.recording_plan.guard): no dose within the interval of another,
  // at most max_per_day in the 24 hours before.
  function guardFor(medicine, at, doses) {
    var same = doses.filter(function (d) { return d.name.toLowerCase() === medicine.name.toLowerCase(); });
    var interval = medicine.interval_seconds * 1000;
    var close = same.filter(function (d) { return Math.abs(d.at - at) < interval; });
    close.sort(function (a, b) { return Math.abs(a.at - at) - Math.abs(b.at - at); });
    var before = same.filter(function (d) { return d.at <= at; }).sort(function (a, b) { return b.at - a.at; });
    var inDay = before.filter(function (d) { return d.at > at - 86400000; }).length;
    var tooSoon = close[0] || null;
    if (!tooSoon && inDay < medicine.max_per_day) return null;
    return { tooSoon: tooSoon, previous: tooSoon || before[0] || null };
  }

  function showGuard(form, medicine, found) {
    var box = form.querySelector("[data-rescue-guard]");
    var banner = document.createElement("div");
    banner.className = "banner conflict guard";
    banner.setAttribute("role", "alert");
    var why = document.createElement("p");
    var strong = document.createElement("strong");
    strong.textContent = found.tooSoon
      ? SL.fmt(text.guard_too_soon, { minutes: Math.round(medicine.interval_seconds / 60) })
      : SL.fmt(text.guard_max, { n: medicine.max_per_day });
    why.append(strong);
    banner.append(why);
    if (found.previous) {
      var previous = document.createElement("p");
      previous.textContent = SL.fmt(text.guard_previous, {
        what: found.previous.label, time: log.hhmm(found.previous.at), who: found.previous.by,
      });
      banner.append(previous);
    }
    var nothing = document.createElement("p");
    nothing.textContent = text.guard_nothing_saved;
    banner.append(nothing);
    box.querySelector("[data-guard-message]").replaceChildren(banner);
    box.hidden = false;
  }

  function fieldError(form, selector, input, message) {
    var error = form.querySelector(selector);
    error.textContent = message || "";
    error.hidden = !message;
    if (!input) return;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", error.id);
      input.focus();
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  }

  async function planRescue(form) {
    var chosen = form.querySelector('input[name="medicine"]:checked');
    var medicine = chosen && medicineById(chosen.value);
    fieldError(form, "[data-rescue-error]", null, medicine ? "" : text.rescue_pick);
    if (!medicine) return null;
    var at = SL.clock.now();
    var override = form.querySelector("[data-override]");
    var reason = form.querySelector("#rescue-reason");
    var found = guardFor(medicine, at, await knownDoses());
    if (found && !override.checked) {
      showGuard(form, medicine, found);
      override.focus();
      return null;
    }
    var why = found && override.checked ? reason.value.trim().slice(0, 500) : "";
    fieldError(form, "[data-reason-error]", reason, found && !why ? text.guard_reason : "");
    if (found && !why) return null;
    var doseKey = SL.uuid4();
    var body = { medicine: medicine.id, given_at: new Date(at).toISOString(), episode: key };
    if (found) Object.assign(body, { override: true, override_reason: why });
    givenHere.push({ key: doseKey, name: medicine.name, label: medicine.label, at: at, by: text.this_phone });
    state.rescue_medicine = medicine.label;
    state.rescue_given_at = body.given_at;
    form.querySelector("[data-rescue-guard]").hidden = true;
    override.checked = false;
    reason.value = "";
    render();
    await SL.outbox.keepRecord({ key: key, child: config.child, state: state });
    return SL.outbox.put(log.entry("rescue", doseKey, body, log.label(text.label_rescue, at), log.day(at)));
  }

  async function end() {
    if (ending) return;
    ending = true;
    var at = SL.clock.now();
    var seconds = rules.durationSeconds(start(), at);
    root.setAttribute("data-stopped", "");
    await change({ in_progress: false, ended_at: new Date(at).toISOString() });
    // Online this takes a moment, and the child's page then shows the seizure saved.
    var result = await SL.outbox.flush(key, 4000);
    var message = result.state === "saved" ? text.ended_saved : text.ended_kept;
    log.flash(SL.fmt(message, { duration: SL.duration(seconds) }));
    location.assign(config.urls.home);
  }

  // The plan's step that applies now, on the timer and in the rescue alert, as time passes.
  function showStep() {
    if (!plan || !plan.steps.length || root.hasAttribute("data-stopped")) return;
    var started = SL.parseTime(root.getAttribute("data-started-at"));
    var minutes = (SL.clock.now() - started) / 60000;
    var step = null;
    plan.steps.forEach(function (s) { if (s.minute <= minutes) step = s; });
    if (!step) return;
    var line = step.minute === 0
      ? SL.fmt(text.plan_step_start, { text: step.text })
      : SL.fmt(text.plan_step, { minute: step.minute, text: step.text });
    root.querySelectorAll("[data-plan-step]").forEach(function (el) {
      if (el.textContent !== line) el.textContent = line;
    });
  }
  showStep();
  window.setInterval(showStep, 1000);

  root.addEventListener("click", function (event) {
    lastClicked = event.target.closest("button");
  }, true);

  // In the capture phase, so htmx never posts what the outbox now carries. On the shell page
  // (whose forms have nowhere to post) a tap made while the record loads waits for it.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!root.contains(form) || form.dataset.plain || (!shell && !state)) return;
    event.preventDefault();
    event.stopPropagation();
    var button = event.submitter || lastClicked;
    loading.then(function (ok) {
      if (!ok || !state || (!state.in_progress && !ending)) return null;
      if (form.matches("[data-end]")) return end();
      if (form.matches("[data-move]")) return move(button && button.value);
      if (form.matches("[data-move-undo]")) return change({ path: state.path.slice(0, -1) });
      if (form.matches("[data-plan-rescue]")) return planRescue(form);
      if (form.matches("[data-rescue]")) return rescue(form);
      return form.dataset.field ? set(form, button ? button.value : "") : null;
    }).catch(function () {
      // The phone could not keep it: on the server's own timer page the form still can.
      ending = false;
      if (!shell) log.submitPlainly(form, button);
    });
  }, true);

  // Back to a timer that was ended (the back/forward cache keeps pages as they were): show
  // what the seizure is now.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && ending) location.reload();
  });

  document.addEventListener("seizure:record", function (event) {
    if (!state || event.detail.key !== key) return;
    record = event.detail;
    if (record.ended) state.in_progress = false;
    render();
  });
})();
