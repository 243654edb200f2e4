// The trend charts arrive as static pictures drawn on the server. plotly.js (over a megabyte, about
// a second of a phone's main thread) and the figures (JSON from the address in `data-figures`) are
// fetched only when the person reaches for a chart; every chart is then redrawn from the same
// figure, interactive; after a range switch, at once.

const config = { responsive: true, displayModeBar: false, displaylogo: false };
const loader = document.querySelector("script[data-plotly-src]");
let plotly = null;
const figures = new Map();
let wanted = false;
// Each drawing pass has a number; a newer pass (a range switched mid-draw) stops the older one,
// so two passes never draw into the same chart and titles and legends stay with their figures.
let pass = 0;

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

function themed(figure, dark) {
  figure.layout.font = { ...figure.layout.font, color: dark ? "#f1efe9" : "#1d1d1b" };
  if (!dark) return figure;
  for (const trace of figure.data) {
    const colour = trace.meta?.dark;
    if (!colour) continue;
    if (trace.line) trace.line.color = colour;
    if (trace.marker) trace.marker.color = colour;
  }
  return figure;
}

// Numbers in the page's language (a decimal comma in German, from Django's JavaScript catalog,
// which base.html loads), unless the figure names its own separators.
function localized(figure) {
  if (window.get_format) {
    figure.layout.separators ??=
      window.get_format("DECIMAL_SEPARATOR") + window.get_format("THOUSAND_SEPARATOR");
  }
  return figure;
}

function loadFigures(address) {
  if (!figures.has(address)) {
    const loading = fetch(address, { credentials: "same-origin" }).then((response) => {
      if (!response.ok) throw new Error(`figures: ${response.status}`);
      return response.json();
    });
    // A failed fetch is tried again on the next reach for a chart; the pictures stay meanwhile.
    loading.catch(() => figures.delete(address));
    figures.set(address, loading);
  }
  return figures.get(address);
}

async function draw() {
  const mine = ++pass;
  const charts = document.querySelector("[data-figures]");
  if (!wanted || !charts) return;
  const [Plotly, byName] = await Promise.all([
    loadPlotly(),
    loadFigures(charts.dataset.figures),
  ]);
  const dark = window.matchMedia("(prefers-color-scheme: dark)").matches;
  for (const element of charts.querySelectorAll("[data-chart]")) {
    if (mine !== pass) return;
    if (element.dataset.drawn === String(dark)) continue;
    // A fresh copy each pass: themed() writes into the figure.
    const figure = localized(themed(structuredClone(byName[element.dataset.chart]), dark));
    // The drawn preview stays, hidden on screen: it is what prints, at the page's full width,
    // since Plotly's own chart keeps the size it had on screen.
    if (!element.dataset.drawn) element.classList.add("is-interactive");
    await Plotly.react(element, figure.data, figure.layout, config);
    element.dataset.drawn = String(dark);
    // One chart a task, so a tap on the page is never kept waiting for all three.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
}

function want(event) {
  if (wanted || !event.target.closest?.("[data-chart]")) return;
  wanted = true;
  draw().catch(() => {
    wanted = false;
  });
}

for (const type of ["pointerover", "pointerdown", "focusin"]) {
  document.addEventListener(type, want, { passive: true });
}
document.body.addEventListener("htmx:afterSettle", (event) => {
  if (event.detail.elt.querySelector?.("[data-figures]")) draw().catch(() => {});
});
window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => {
  draw().catch(() => {});
});
