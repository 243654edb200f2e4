// The report's Print button; the print stylesheet in app.css does the rest.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
