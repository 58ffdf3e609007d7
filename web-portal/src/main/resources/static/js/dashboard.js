// Pushgate portal: the dashboard's charts, drawn with uPlot from the data each chart element carries
// (data-chart: {"x": [seconds…], "series": [{"key", "label", "values": […]}…]}). No inline script (the
// CSP allows only files of this origin). Each drawn chart says so for tests and tools:
// data-rendered="true", data-drawn-points (the points uPlot was given per series), data-x-ticks (the time
// axis' labels, "|" between them) and data-y-min / data-y-max (the value axis' range).
(function () {
  "use strict";

  var COLOURS = ["#1d4ed8", "#0b6e3a", "#b3261e", "#7a4d00", "#6d28d9", "#0e7490", "#be185d", "#4d7c0f", "#52606d", "#c2410c"];
  var charts = [];

  // 24-hour times in UTC (uPlot's default axis says "1pm"): "13:00", with the date under midnight's
  // tick; a date alone when the ticks are days apart. The labels drawn are kept in data-x-ticks.
  var HOURS = window.uPlot && window.uPlot.fmtDate("{HH}:{mm}");
  var DAY = window.uPlot && window.uPlot.fmtDate("{D} {MMM}");
  var LEGEND = "{YYYY}-{MM}-{DD} {HH}:{mm} UTC";

  function utc(seconds) {
    return window.uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC");
  }

  function timeTicks(element) {
    return function (u, splits, axisIdx, foundSpace, foundIncr) {
      var labels = splits.map(function (seconds) {
        var date = utc(seconds);
        if (foundIncr >= 86400) {
          return DAY(date);
        }
        var time = HOURS(date);
        return date.getHours() === 0 && date.getMinutes() === 0 ? time + "\n" + DAY(date) : time;
      });
      element.dataset.xTicks = labels.join("|");
      return labels;
    };
  }

  // The y axis from 0: a series of zeros (or of no values at all) gets 0–1, not uPlot's 0–100.
  function fromZero(u, min, max) {
    if (min == null || max == null || max <= 0) {
      return [0, 1];
    }
    return window.uPlot.rangeNum(Math.min(0, min), max, 0.1, true);
  }

  function draw(element) {
    if (!window.uPlot || element.dataset.rendered === "true") {
      return;
    }
    var data = JSON.parse(element.getAttribute("data-chart"));
    var counts = element.getAttribute("data-counts") === "true";
    var series = [{ label: "Time (UTC)", value: LEGEND }];
    var columns = [data.x];
    data.series.forEach(function (line, i) {
      series.push({ label: line.label, stroke: COLOURS[i % COLOURS.length], width: 2, spanGaps: false });
      columns.push(line.values);
    });
    var yAxis = { label: element.getAttribute("data-unit") };
    if (counts) {
      // whole numbers only: a count has no 0.2
      yAxis.incrs = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1e6, 2e6, 5e6, 1e7];
    }
    var width = Math.max(280, element.clientWidth || 600);
    var plot = new window.uPlot({
      width: width,
      height: 240,
      tzDate: utc,
      series: series,
      axes: [{ label: "Time (UTC)", values: timeTicks(element), space: 60, size: 60 }, yAxis],
      scales: { x: { time: true }, y: { range: fromZero } },
      hooks: {
        draw: [function (u) {
          element.dataset.yMin = String(u.scales.y.min);
          element.dataset.yMax = String(u.scales.y.max);
        }]
      }
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
