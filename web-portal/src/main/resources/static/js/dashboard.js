// Pushgate portal: the dashboard's charts, drawn with uPlot from the data each chart element carries
// (data-chart: {"x": [seconds…], "series": [{"key", "label", "values": […]}…]}). No inline script (the
// CSP allows only files of this origin). Each drawn chart says so for tests and tools:
// data-rendered="true" and data-drawn-points (the points uPlot was given per series).
(function () {
  "use strict";

  var COLOURS = ["#1d4ed8", "#0b6e3a", "#b3261e", "#7a4d00", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f", "#52606d", "#c2410c"];
  var charts = [];

  function draw(element) {
    if (!window.uPlot || element.dataset.rendered === "true") {
      return;
    }
    var data = JSON.parse(element.getAttribute("data-chart"));
    var series = [{ label: "Time (UTC)" }];
    var columns = [data.x];
    data.series.forEach(function (line, i) {
      series.push({ label: line.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false });
      columns.push(line.values);
    });
    var width = Math.max(280, element.clientWidth || 600);
    var plot = new window.uPlot({
      width: width,
      height: 240,
      tzDate: function (seconds) { return window.uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"); },
      series: series,
      axes: [{}, { label: element.getAttribute("data-unit") }],
      scales: { x: { time: true } }
    }, columns, element);
    charts.push({ element: element, plot: plot });
    element.dataset.rendered = "true";
    element.dataset.drawnPoints = String(plot.data[0].length);
  }

  function init(root) {
    charts = charts.filter(function (chart) { return document.body.contains(chart.element); });
    root.querySelectorAll("[data-chart]").forEach(draw);
  }

  function resize() {
    charts.forEach(function (chart) {
      chart.plot.setSize({ width: Math.max(280, chart.element.clientWidth), height: 240 });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function () { init(document); });
  window.addEventListener("resize", resize);
})();
