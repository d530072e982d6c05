/* Dashboard charts (ECharts, served locally). Each card flips between chart and table. */
(function () {
  "use strict";
  var raw = document.getElementById("chart-data");
  if (!raw) return;
  var data = JSON.parse(raw.textContent);
  var labels = document.getElementById("chart-labels").dataset;
  var COLORS = ["#1f5fd6", "#e8a317", "#9aa3b1", "#17703a", "#5d6879", "#c4271f"];
  var STATUS_COLORS = { "new": "#1f5fd6", "open": "#4aa3df", "pending": "#9aa3b1", "resolved": "#17703a", "closed": "#5d6879" };
  var charts = [];

  document.addEventListener("click", function (ev) {
    var btn = ev.target instanceof Element ? ev.target.closest("[data-table-toggle]") : null;
    if (!btn) return;
    var card = btn.closest("[data-chart-card]");
    var table = card.querySelector("[data-chart-table]");
    var chart = card.querySelector("[data-chart]");
    var showTable = table.hidden;
    table.hidden = !showTable;
    if (chart) chart.hidden = showTable;
    btn.setAttribute("aria-pressed", showTable ? "true" : "false");
  });

  function init(el, option) {
    if (!window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(Object.assign({ color: COLORS, animation: false, textStyle: { fontFamily: getComputedStyle(document.body).fontFamily } }, option));
    charts.push(chart);
  }
  var grid = { left: 40, right: 16, top: 36, bottom: 28, containLabel: true };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    if (kind === "trend") {
      init(el, {
        tooltip: { trigger: "axis" }, grid: grid,
        xAxis: { type: "category", data: data.trend.days.map(function (d) { return d.slice(5); }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: labels.tickets, type: "line", smooth: false, symbolSize: 4, areaStyle: { opacity: 0.08 }, data: data.trend.counts }]
      });
    } else if (kind === "sla") {
      var value = data.sla === null ? 0 : data.sla;
      init(el, {
        series: [{
          type: "gauge", min: 0, max: 100, radius: "90%", progress: { show: true, width: 14 },
          axisLine: { lineStyle: { width: 14, color: [[0.8, "#d93025"], [0.95, "#e8a317"], [1, "#17703a"]] } },
          pointer: { show: false }, splitLine: { show: false }, axisTick: { show: false },
          axisLabel: { distance: 18, fontSize: 11 },
          detail: { valueAnimation: false, fontSize: 28, offsetCenter: [0, "10%"], formatter: data.sla === null ? "—" : "{value}%" },
          title: { offsetCenter: [0, "45%"] },
          data: [{ value: value, name: labels.met }]
        }]
      });
    } else if (kind === "backlog") {
      var names = Object.keys(data.backlog);
      init(el, {
        tooltip: {}, grid: grid,
        xAxis: { type: "category", data: names, axisLabel: { interval: 0 } }, yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", barMaxWidth: 48, data: names.map(function (n) { return data.backlog[n]; }) }]
      });
    } else if (kind === "breakdown") {
      var b = data.breakdowns[el.getAttribute("data-key")];
      init(el, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0, type: "scroll" }, grid: Object.assign({}, grid, { top: 44 }),
        xAxis: { type: "category", data: b.categories, axisLabel: { interval: 0, hideOverlap: true } },
        yAxis: { type: "value", minInterval: 1 },
        series: Object.keys(b.series).map(function (name, i) {
          var color = STATUS_COLORS[b.statuses[i]];
          return { name: name, type: "bar", stack: "total", barMaxWidth: 48, data: b.series[name], itemStyle: color ? { color: color } : undefined };
        })
      });
    }
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
