// Draws the trend charts from the figures the server built; again after each htmx range switch.

const config = { responsive: true, displayModeBar: false, displaylogo: false };

function draw() {
  const data = document.querySelector("#trend-figures");
  if (!data || !window.Plotly) return;
  const figures = JSON.parse(data.textContent);
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  for (const [name, figure] of Object.entries(figures)) {
    const element = document.querySelector(`#chart-${name}`);
    if (!element) continue;
    figure.layout.font = { color: dark ? "#f1efe9" : "#1d1d1b" };
    window.Plotly.newPlot(element, figure.data, figure.layout, config);
  }
}

draw();
document.body.addEventListener("htmx:afterSwap", draw);
