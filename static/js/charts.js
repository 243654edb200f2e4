// Draws the trend charts from the figures the server built; again after each htmx range switch.

const config = { responsive: true, displayModeBar: false, displaylogo: false };

function draw() {
  if (!window.Plotly) return;
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  for (const element of document.querySelectorAll("[data-figure]")) {
    const figure = JSON.parse(element.dataset.figure);
    figure.layout.font = { color: dark ? "#f1efe9" : "#1d1d1b" };
    window.Plotly.newPlot(element, figure.data, figure.layout, config);
  }
}

draw();
document.body.addEventListener("htmx:afterSwap", draw);
