// The logging rules, as pure functions of plain data (no page, no storage), so the browser
// suite tests them directly. Their numbers come from the server in the logging config's
// `rules` (seizures.views.common.logging_rules), never written here a second time.
(function () {
  "use strict";

  // A "Seizure now" this close to the start of a seizure already being timed joins it.
  function joins(atMs, runningAtMs, rules) {
    return Math.abs(atMs - runningAtMs) <= rules.join_window_seconds * 1000;
  }

  // What one checklist change sets: a sign seen has its side and limb "not seen" until one is
  // chosen, choosing a side or limb means the sign was seen, and a sign unticked loses them.
  function signChange(state, field, value, rules) {
    var patch = {};
    patch[field] = value;
    Object.keys(rules.signs).forEach(function (sign) {
      var details = rules.signs[sign];
      if (details.indexOf(field) >= 0 && value) patch[sign] = true;
      if (sign !== field) return;
      details.forEach(function (detail) {
        if (!value) patch[detail] = "";
        else if (!state[detail]) patch[detail] = rules.not_seen;
      });
    });
    return patch;
  }

  // The migration path with `region` appended at `seconds` into the seizure (never before the
  // step ahead of it), or null when it adds nothing: the same region twice in a row is one
  // step, and a path stops at the longest the server keeps.
  function appendStep(path, region, seconds, rules) {
    var last = path.length ? path[path.length - 1] : null;
    if (!region || (last && last.region === region) || path.length >= rules.max_path_steps) return null;
    var at = Math.max(last && last.at_seconds ? last.at_seconds : 0, seconds);
    return path.concat([{ region: region, at_seconds: at }]);
  }

  // How long a seizure lasted, as the server counts it: whole seconds, at least one.
  function durationSeconds(startMs, endMs) {
    return Math.max(1, Math.round((endMs - startMs) / 1000));
  }

  // Today's count on the phone: the server's (when the server counted today) plus this
  // phone's entries of today not refused, less the taps it is taking back; never below zero.
  function todayCount(serverCount, serverDay, entries, today) {
    var count = serverDay === today ? serverCount : 0;
    entries.forEach(function (e) {
      if (e.state === "rejected" || e.day !== today) return;
      if (e.kind === "tally" || e.kind === "form" || (e.kind === "episode" && e.body.started_at)) count += 1;
      if (e.kind === "undo") count -= 1;
    });
    return Math.max(0, count);
  }

  // The tap "undo last" takes back: the newest of the phone's and the server's taps (each
  // {key, at, day}; one tap in both counts once) whose key is not in `undone`.
  function lastTap(phoneTaps, undone, serverTaps) {
    var taps = phoneTaps.filter(function (t) { return undone.indexOf(t.key) < 0; });
    serverTaps.forEach(function (t) {
      if (undone.indexOf(t.key) < 0 && !taps.some(function (x) { return x.key === t.key; })) taps.push(t);
    });
    taps.sort(function (a, b) { return b.at - a.at; });
    return taps[0] || null;
  }

  // A past-seizure form queued before the onset state replaced the "asleep when it began" box,
  // as the form now has it: the box ticked is onset "asleep" (as the server reads such an entry).
  function currentFormFields(fields) {
    var out = Object.assign({}, fields);
    if (Object.prototype.hasOwnProperty.call(out, "asleep_at_onset")) {
      if (out.asleep_at_onset && !out.onset) out.onset = "asleep";
      delete out.asleep_at_onset;
    }
    return out;
  }

  function pathFull(path, rules) {
    return path.length >= rules.max_path_steps;
  }

  window.SeizureLog = Object.assign(window.SeizureLog || {}, {
    rules: {
      joins: joins,
      signChange: signChange,
      appendStep: appendStep,
      pathFull: pathFull,
      durationSeconds: durationSeconds,
      todayCount: todayCount,
      lastTap: lastTap,
      currentFormFields: currentFormFields,
    },
  });
})();
