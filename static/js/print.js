// The report's Print button; the print stylesheet in app.css does the rest.
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}

// On a practice's copy of the report every print, by the button or the browser's menu, is told to
// the server, which shows it to the patient. The page is sent with no-referrer, which would post
// with `Origin: null`; this request asks for same-origin, so the CSRF check sees the origin.
const printed = document.getElementById("printed");
if (printed) {
  window.addEventListener("beforeprint", () => {
    fetch(printed.action, {
      method: "POST",
      body: new FormData(printed),
      credentials: "same-origin",
      referrerPolicy: "same-origin",
      keepalive: true,
    });
  });
}
