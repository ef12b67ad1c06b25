// Draws every chart on the page with plotly.js, from the figure JSON the server put in its
// data-figure attribute (no inline scripts: the CSP allows only our files).
// Runs again for content htmx swaps in, frees the charts htmx swaps out, and redraws when
// the reader switches between light and dark mode or prints.
(function () {
  "use strict";

  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  var printing = false;
  // Colours from the app's palette, each with at least 3:1 contrast on its background.
  var THEMES = {
    light: {
      text: "#111827",
      grid: "#d1d5db",
      colorway: ["#1d4ed8", "#c2410c", "#047857", "#7c3aed", "#b91c1c", "#0e7490", "#4b5563"],
      heat: [[0, "#f3f4f6"], [1, "#1d4ed8"]]
    },
    dark: {
      text: "#f1f5f9",
      grid: "#475569",
      colorway: ["#93c5fd", "#fdba74", "#6ee7b7", "#c4b5fd", "#fca5a5", "#67e8f9", "#cbd5e1"],
      heat: [[0, "#1e293b"], [1, "#93c5fd"]]
    }
  };
  var CONFIG = { responsive: true, displayModeBar: false, displaylogo: false, scrollZoom: false };
  // Month and day names in the reader's language, from the server (see _plotly_head.html).
  var localeMeta = document.querySelector('meta[name="plotly-locale"]');
  if (localeMeta) {
    var locale = JSON.parse(localeMeta.getAttribute("content"));
    CONFIG.locale = locale.name;
    CONFIG.locales = {};
    CONFIG.locales[locale.name] = { format: locale.format };
  }

  function theme() {
    return dark.matches && !printing ? THEMES.dark : THEMES.light;
  }

  function themed(figure) {
    var colours = theme();
    var layout = Object.assign({}, figure.layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      colorway: colours.colorway,
      font: Object.assign({}, figure.layout.font, { color: colours.text })
    });
    ["xaxis", "yaxis", "yaxis2"].forEach(function (name) {
      if (layout[name]) {
        layout[name] = Object.assign({}, layout[name], {
          gridcolor: colours.grid, zerolinecolor: colours.grid, linecolor: colours.grid
        });
      }
    });
    var data = figure.data.map(function (trace) {
      return trace.type === "heatmap" ? Object.assign({}, trace, { colorscale: colours.heat }) : trace;
    });
    return { data: data, layout: layout };
  }

  function draw(element) {
    if (!window.Plotly) return;
    var figure = themed(JSON.parse(element.getAttribute("data-figure")));
    window.Plotly.react(element, figure.data, figure.layout, CONFIG);
  }

  function drawAll(root) {
    root.querySelectorAll("[data-figure]").forEach(draw);
  }

  function setUpPrintButtons(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function init(root) {
    drawAll(root);
    setUpPrintButtons(root);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);
    // A chart swapped out is purged, so plotly lets go of its listeners and memory.
    document.addEventListener("htmx:beforeCleanupElement", function (event) {
      var element = event.target;
      if (window.Plotly && element.hasAttribute && element.hasAttribute("data-figure")) window.Plotly.purge(element);
    });
  } else {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  }

  dark.addEventListener("change", function () { drawAll(document); });
  // Paper is white: print in the light palette at the page's width, then go back.
  window.addEventListener("beforeprint", function () {
    printing = true;
    drawAll(document);
    document.querySelectorAll("[data-figure]").forEach(function (element) { window.Plotly.Plots.resize(element); });
  });
  window.addEventListener("afterprint", function () {
    printing = false;
    drawAll(document);
  });
})();
