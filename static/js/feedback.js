// After any htmx swap, the answer ("Saved", an error, "Offline") is brought on screen next to the
// control that was used, and focus returns to that control (or its replacement), so a person never
// taps Save and sees nothing happen.
let lastControl = null;

document.body.addEventListener("htmx:beforeRequest", (event) => {
  const active = document.activeElement;
  lastControl = active && active !== document.body ? describe(active) : null;
});

// What the control was, to find it again in the new markup: its id, or its form's action and the
// button's name, value and text.
function describe(element) {
  return {
    id: element.id,
    name: element.getAttribute("name"),
    value: element.getAttribute("value"),
    text: element.textContent.trim(),
    tag: element.tagName,
  };
}

function findAgain(root, control) {
  if (control.id) {
    const byId = document.getElementById(control.id);
    if (byId) return byId;
  }
  const candidates = root.querySelectorAll(control.tag.toLowerCase());
  return (
    [...candidates].find(
      (el) =>
        el.getAttribute("name") === control.name &&
        el.getAttribute("value") === control.value &&
        el.textContent.trim() === control.text,
    ) || null
  );
}

document.body.addEventListener("htmx:afterSettle", (event) => {
  let root = event.detail.elt;
  // After an outerHTML swap the event may name the element that was replaced: find its successor.
  if (root instanceof Element && !root.isConnected && root.id) root = document.getElementById(root.id);
  if (!(root instanceof Element) || !root.isConnected) return;
  const control = lastControl && findAgain(root, lastControl);
  lastControl = null;
  const refused = event.detail.xhr?.status === 422;
  const focused = document.activeElement;
  // A page script that placed focus on purpose (the session's next step) keeps it. The field
  // htmx focuses for its `autofocus` (Username, on sign-up) does not keep it from a refusal.
  const focusLost =
    !focused || focused === document.body || (refused && focused.hasAttribute("autofocus"));
  if (!focusLost) return;
  // A refusal: the first wrong field on the page and its message come on screen, and the field
  // takes focus, so the person can put it right at once (the line beside Save says it too).
  const firstWrong = refused && root.querySelector(".error:not([role])");
  if (firstWrong) {
    const field = firstWrong.closest("fieldset, .field") || firstWrong;
    const tall = field.getBoundingClientRect().height > window.innerHeight;
    field.scrollIntoView({ block: tall ? "start" : "nearest", behavior: "instant" });
    field.querySelector("input:not([type=hidden]), textarea, select")?.focus({ preventScroll: true });
    return;
  }
  // The answer written for this action (a form's own status or alert line), else a field's error.
  const answer =
    [...root.querySelectorAll("[role=alert], [role=status]")].find((el) => el.textContent.trim()) ||
    root.querySelector(".error");
  // A control that went with what it fetched ("Show the earlier weeks too") hands focus to the
  // place the new markup names for it, rather than to the start of the page.
  const landing = control || root.querySelector("[data-focus-after-swap]");
  if (landing) landing.focus({ preventScroll: true });
  landing?.scrollIntoView({ block: "nearest", behavior: "instant" });
  answer?.scrollIntoView({ block: "nearest", behavior: "instant" });
});

// A deleted row takes its button with it: once the swaps are done, focus goes to Undo (brought
// into view above the page) rather than falling to the page. (The row's own events die with it;
// the snackbar's out-of-band swap does not.)
function focusUndoIfLost() {
  const lost = !document.activeElement || document.activeElement === document.body;
  if (lost) document.querySelector("#snackbar form button")?.focus();
}
document.body.addEventListener("htmx:oobAfterSwap", () => setTimeout(focusUndoIfLost, 0));

document.body.addEventListener("click", (event) => {
  const close = event.target.closest("[data-dismiss]");
  if (close) close.closest(".snackbar-message")?.remove();
});

// A device in another zone than the profile sees other clock times than its own: say so once.
const zoneHint = document.querySelector("[data-zone-hint]");
if (zoneHint) {
  const deviceZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const offset = (zone) => {
    const now = new Date();
    return new Date(now.toLocaleString("en-US", { timeZone: zone })) - new Date(now.toLocaleString("en-US"));
  };
  if (deviceZone && deviceZone !== zoneHint.dataset.zone && offset(zoneHint.dataset.zone) !== 0) {
    zoneHint.querySelector("[data-device-zone]").textContent = deviceZone;
    zoneHint.hidden = false;
  }
}

// The service worker keeps the app shell and the open session page for a lost connection.
// Registered once the page has loaded and gone quiet, so its downloads never slow the first view.
function registerWorker() {
  navigator.serviceWorker.register(document.body.dataset.serviceWorker).catch(() => {});
}
if ("serviceWorker" in navigator && document.body.dataset.serviceWorker) {
  const whenIdle = () => (window.requestIdleCallback ?? setTimeout)(registerWorker);
  if (document.readyState === "complete") whenIdle();
  else window.addEventListener("load", whenIdle, { once: true });
}
