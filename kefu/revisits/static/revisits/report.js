/* 《回访总结报告》 satisfaction trend (ECharts, served locally). */
(function () {
  "use strict";
  var raw = document.getElementById("rv-chart");
  var el = document.querySelector("[data-chart=trend]");
  if (!raw || !el || !window.echarts) return;
  var d = JSON.parse(raw.textContent);
  var l = document.getElementById("rv-chart-labels").dataset;
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    color: ["#17703a", "#e8a317", "#c4271f"],
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
    xAxis: { type: "category", data: d.days },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: l.satisfied, type: "bar", stack: "r", data: d.satisfied },
      { name: l.average, type: "bar", stack: "r", data: d.average },
      { name: l.unsatisfied, type: "bar", stack: "r", data: d.unsatisfied }
    ]
  });
  var csatEl = document.querySelector("[data-chart=csat]");
  var csat = csatEl ? window.echarts.init(csatEl, null, { renderer: "svg" }) : null;
  if (csat) {
    csat.setOption({
      animation: false,
      color: ["#1f5fd6"],
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: "category", data: d.csat_days },
      yAxis: { type: "value", min: 1, max: 5 },
      series: [{ name: l.csat, type: "line", connectNulls: true, data: d.csat }]
    });
  }
  window.addEventListener("resize", function () { chart.resize(); if (csat) csat.resize(); });
})();
