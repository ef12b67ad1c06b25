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
    },
  });
})();
