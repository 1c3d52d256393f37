// Charts of the results pages. Each <canvas data-chart="ID"> reads its Chart.js configuration
// from the JSON block {{ config|json_script:"ID" }} (JSON is not executed, so the CSP holds).
(function () {
  function number(value) {
    return typeof value === "number" ? value.toLocaleString("vi-VN", { maximumFractionDigits: 2 }) : value;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var config = JSON.parse(source.textContent);
    config.options = config.options || {};
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.locale = "vi-VN";
    // Drawn at once: the figures are what matters, and a page printed or captured shows them whole.
    config.options.animation = false;
    config.options.plugins = config.options.plugins || {};
    config.options.plugins.tooltip = {
      callbacks: {
        label: function (context) {
          var value = context.parsed && (context.chart.options.indexAxis === "y" ? context.parsed.x : context.parsed.y);
          return (context.dataset.label ? context.dataset.label + ": " : "") + number(value);
        }
      }
    };
    new Chart(canvas, config);
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
})();
