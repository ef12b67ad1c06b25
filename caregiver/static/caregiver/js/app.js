// Small progressive enhancements shared by every page. No inline scripts anywhere (CSP).
(function () {
  "use strict";

  // A new child's time zone defaults to the phone's own.
  function preselectTimeZone(root) {
    root.querySelectorAll("select[data-browser-time-zone]").forEach(function (select) {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && select.value === "UTC" && select.querySelector('option[value="' + zone + '"]')) {
        select.value = zone;
      }
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
