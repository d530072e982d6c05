/* Satisfaction trend (ECharts, served locally): CSAT satisfied % and NPS per period, or per
   agent / unit as bars; the card flips to the table behind the chart. */
(function () {
  "use strict";
  var raw = document.getElementById("satisfaction-data");
  if (!raw) return;
  var data = JSON.parse(raw.textContent);
  var labels = document.getElementById("satisfaction-labels").dataset;

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

  var el = document.querySelector('[data-chart="satisfaction"]');
  if (!el || !window.echarts) return;
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  var kind = data.time ? "line" : "bar";
  chart.setOption({
    color: ["#17703a", "#1f5fd6", "#9aa3b1"],
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 40, bottom: 28, containLabel: true },
    xAxis: { type: "category", data: data.labels, axisLabel: { hideOverlap: true } },
    yAxis: [
      { type: "value", min: -100, max: 100, axisLabel: { formatter: "{value}" } },
      { type: "value", minInterval: 1, splitLine: { show: false } }
    ],
    series: [
      { name: labels.csat, type: kind, connectNulls: true, symbolSize: 5, barMaxWidth: 32, data: data.csat_percent },
      { name: labels.nps, type: kind, connectNulls: true, symbolSize: 5, barMaxWidth: 32, data: data.nps },
      { name: labels.count, type: "bar", yAxisIndex: 1, barMaxWidth: 16, itemStyle: { opacity: 0.35 }, data: data.count }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
