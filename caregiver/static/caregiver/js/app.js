// Small progressive enhancements shared by every page. No inline scripts anywhere (CSP).
(function () {
  "use strict";

  // A new child's time zone starts on the phone's own, under the name the tz database uses
  // now (the attribute maps old names, which browsers often report, to current ones).
  function preselectTimeZone(root) {
    root.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
      if (select.value !== "") return; // chosen already (a form shown again with its errors)
      var renames = {};
      try { renames = JSON.parse(select.dataset.browserTimeZone || "{}"); } catch (e) { /* none */ }
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      zone = Object.prototype.hasOwnProperty.call(renames, zone) ? renames[zone] : zone;
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
      if (option) select.value = zone;
    });
  }

  // Mark the current page in the navigation for screen readers.
  function markCurrent(root) {
    root.querySelectorAll(".child-nav a, .site-nav a").forEach(function (a) {
      if (a.getAttribute("href") === window.location.pathname) a.setAttribute("aria-current", "page");
    });
  }

  function init(root) {
    preselectTimeZone(root);
    markCurrent(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }
})();
