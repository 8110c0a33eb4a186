// Draws every <canvas data-chart="ID"> from the JSON in <script id="ID"> (Django's json_script):
// {"type": "bar"|"line", "labels": [...], "unit": "kWh", "series": [{"label", "data", "color"}]}.
(function () {
  function draw(canvas) {
    var spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (s) {
          return { label: s.label, data: s.data, backgroundColor: s.color, borderColor: s.color,
                   borderWidth: spec.type === "line" ? 2 : 0, pointRadius: 0, spanGaps: false };
        }),
      },
      options: {
        animation: false, maintainAspectRatio: false, responsive: true,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, title: { display: true, text: spec.unit } },
                  x: { ticks: { autoSkip: true, maxTicksLimit: 12 } } },
      },
    });
    canvas.dataset.drawn = "true";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  });
})();
