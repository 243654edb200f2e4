// Draws the trend charts from the figures the server built; again after each htmx range switch.
// plotly.js is large, so it is fetched only once the page has loaded: the numbers (sentence and
// table) come first, the charts a moment later.

const config = { responsive: true, displayModeBar: false, displaylogo: false };
const loader = document.querySelector("script[data-plotly-src]");
let plotly = null;

function loadPlotly() {
  plotly ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = loader.dataset.plotlySrc;
    script.nonce = loader.nonce;
    script.onload = () => resolve(window.Plotly);
    script.onerror = reject;
    document.head.append(script);
  });
  return plotly;
}

async function draw() {
  const elements = document.querySelectorAll("[data-figure]");
  if (!elements.length) return;
  const Plotly = await loadPlotly();
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  for (const element of elements) {
    const figure = JSON.parse(element.dataset.figure);
    figure.layout.font = { color: dark ? "#f1efe9" : "#1d1d1b" };
    await Plotly.newPlot(element, figure.data, figure.layout, config);
    // One chart a task, so a tap on the page is never kept waiting for all three.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

if (document.readyState === "complete") {
  draw();
} else {
  window.addEventListener("load", draw, { once: true });
}
document.body.addEventListener("htmx:afterSwap", draw);
