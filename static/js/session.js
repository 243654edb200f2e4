// The parts of a release session only the browser can do: reading steps aloud, the breathing pacer,
// the relax countdown with its end cue, keeping the screen on, moving focus to each new step, and
// keeping an answer that could not be sent until the connection is back.

// The words come from Django's JavaScript catalog, in the page's language (base.html loads it). A
// page kept offline may have lost its catalog to an update of the app: then English, since the
// countdown and its end cue must run whatever the words.
const gettext = window.gettext ?? ((text) => text);
const pgettext = window.pgettext ?? ((context, text) => text);
const interpolate =
  window.interpolate ??
  ((format, values) => format.replace(/%\((\w+)\)s/g, (_, name) => values[name]));

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
const RETRY_EVERY_MS = 5000;
let audioContext = null;
let wakeLock = null;
let timers = [];

function clearTimers() {
  timers.forEach((id) => clearTimeout(id));
  timers = [];
}

function voiceOn() {
  return document.querySelector("[data-voice]")?.dataset.voice === "on";
}

// Browsers only let audio and speech start after a tap, so both are woken on the first one.
function wakeAudio() {
  if (!audioContext && window.AudioContext) {
    audioContext = new AudioContext();
  }
  audioContext?.resume();
}
document.addEventListener("click", wakeAudio);

// A page that opens on the countdown (a reload, a kept copy offline) may have had no tap to allow
// its audio, and the end would be silent: it offers one. (A tap on the page before, such as
// "Resume the session", allows it in some browsers: then the context runs at once, and no offer.)
function offerChime(element) {
  const offer = element.querySelector("[data-chime-offer]");
  if (!offer || !window.AudioContext) return null;
  audioContext ??= new AudioContext();
  const show = () => {
    offer.hidden = audioContext.state === "running" || element.classList.contains("is-over");
  };
  audioContext.onstatechange = show;
  offer.addEventListener("click", () => {
    wakeAudio();
    element.querySelector("[data-countdown-status]").textContent = offer.dataset.allowed;
    // The button goes: focus stays in the step rather than falling to the page.
    document.querySelector("#step-title")?.focus({ preventScroll: true });
  });
  show();
  return offer;
}

function chime() {
  if (!audioContext) return;
  const start = audioContext.currentTime;
  [523.25, 659.25, 783.99].forEach((frequency, index) => {
    const oscillator = audioContext.createOscillator();
    const gain = audioContext.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    const at = start + index * 0.35;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.05);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 1.6);
    oscillator.connect(gain).connect(audioContext.destination);
    oscillator.start(at);
    oscillator.stop(at + 1.7);
  });
}

function say(text, { interrupt = true } = {}) {
  if (!voiceOn() || !window.speechSynthesis) return;
  if (interrupt) window.speechSynthesis.cancel();
  const utterance = new SpeechSynthesisUtterance(text);
  // Spoken in the page's language, with that language's voice.
  utterance.lang = document.documentElement.lang;
  utterance.rate = 0.9;
  window.speechSynthesis.speak(utterance);
}

function readStepAloud(root) {
  const title = root.querySelector("#step-title")?.textContent ?? "";
  const parts = [...root.querySelectorAll("[data-say]")].map((p) => p.textContent);
  say([title, ...parts].join(". ").replace(/\s+/g, " "));
}

async function keepScreenOn() {
  if (!("wakeLock" in navigator) || document.visibilityState !== "visible") return;
  try {
    wakeLock = await navigator.wakeLock.request("screen");
  } catch {
    wakeLock = null;
  }
}

function releaseScreen() {
  wakeLock?.release();
  wakeLock = null;
}

function format(seconds) {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

// Every key the app keeps in localStorage begins "back-release-": static/js/signed_out.js removes
// them all once no one is signed in.
const CLOCK_KEY = "back-release-clock-skew";

// How far the server's clock is ahead of the phone's, measured only from a live answer: a page the
// service worker kept carries no `data-now` (it would date from when it was kept, and move the end
// of the countdown later by as long as the page was kept), so the last live measurement is used.
function serverSkew(element) {
  if (element.dataset.now) {
    const skew = Date.parse(element.dataset.now) - Date.now();
    try {
      localStorage.setItem(CLOCK_KEY, String(skew));
    } catch {
      // Private mode or a full store: this page still has its measurement.
    }
    return skew;
  }
  const kept = Number(localStorage.getItem(CLOCK_KEY));
  return Number.isFinite(kept) ? kept : 0;
}

function startCountdown(element) {
  // The instant the countdown ends, fixed by the server when the step began.
  const endsAt = Date.parse(element.dataset.endsAt);
  const skew = serverSkew(element);
  const time = element.querySelector("[data-countdown-time]");
  const status = element.querySelector("[data-countdown-status]");
  let lastMinuteSaid = false;
  let ended = false;
  // "until" on the phone's own clock, the one the person compares it with.
  const until = element.querySelector("[data-countdown-until]");
  if (until) {
    // 24-hour, as everywhere in the app, whatever the phone's language.
    const end = new Date(endsAt - skew);
    const twoDigits = (number) => String(number).padStart(2, "0");
    const endTime = `${twoDigits(end.getHours())}:${twoDigits(end.getMinutes())}`;
    // Translators: under the relax countdown; the time it ends, such as 14:05.
    until.textContent = interpolate(gettext("until %(time)s"), { time: endTime }, true);
  }
  const offer = offerChime(element);

  function tick() {
    const left = (endsAt - (Date.now() + skew)) / 1000;
    time.textContent = format(left);
    if (!lastMinuteSaid && left <= 60 && left > 1) {
      lastMinuteSaid = true;
      status.textContent = gettext("One minute left.");
      say(status.textContent);
    }
    if (left <= 0 && !ended) {
      ended = true;
      element.classList.add("is-over");
      if (offer) offer.hidden = true;
      status.textContent = gettext(
        "Five minutes are up. Roll gently onto your side and take the ball away.",
      );
      chime();
      navigator.vibrate?.([400, 200, 400, 200, 400]);
      say(gettext("Time is up. Roll gently onto your side and take the ball away."));
      releaseScreen();
      return;
    }
    timers.push(setTimeout(tick, 1000));
  }
  tick();
  keepScreenOn();
}

function startPacer(element) {
  const cue = element.querySelector("[data-pacer-cue]");
  let inhaling = true;
  function phase() {
    element.classList.toggle("is-in", inhaling);
    element.classList.toggle("is-out", !inhaling);
    cue.textContent = inhaling ? gettext("Breathe in") : gettext("Out, with a long sss");
    // Translators: spoken by the breathing pacer, one word at each breath.
    say(inhaling ? pgettext("breathing, spoken", "In") : pgettext("breathing, spoken", "Out"), {
      interrupt: false,
    });
    const next = inhaling ? 4000 : 7000;
    inhaling = !inhaling;
    timers.push(setTimeout(phase, next));
  }
  if (!reducedMotion.matches) element.classList.add("is-moving");
  // Lets the spoken instruction finish before the first "in".
  timers.push(setTimeout(phase, voiceOn() ? 9000 : 0));
  keepScreenOn();
}

function setUp(root, { newStep }) {
  clearTimers();
  root.querySelectorAll("[data-countdown]").forEach(startCountdown);
  root.querySelectorAll("[data-pacer]").forEach(startPacer);
  if (newStep) {
    root.querySelector("#step-title")?.focus();
    readStepAloud(root);
  }
}

let currentStep = document.querySelector("#step")?.dataset.step;
setUp(document, { newStep: false });

function stepSwapped() {
  const step = document.querySelector("#step");
  if (!step) return;
  const moved = step.dataset.step !== currentStep;
  currentStep = step.dataset.step;
  setUp(step, { newStep: moved });
}

document.body.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target?.id;
  if (target === "step") stepSwapped();
  // Voice turned on mid-step: read the step now rather than from the next one on.
  if (target === "voice" && voiceOn()) {
    const step = document.querySelector("#step");
    if (step) readStepAloud(step);
  }
});

// "Stop early" opens with its reasons, its scale and its button on screen, not below the fold.
document.addEventListener(
  "toggle",
  (event) => {
    if (event.target.matches?.(".stop-early") && event.target.open) {
      event.target.scrollIntoView({ block: "start", behavior: "instant" });
      // On a small phone the whole box may not fit: its button is what must not be missed.
      const button = event.target.querySelector("button");
      const below = button.getBoundingClientRect().bottom + 8 - window.innerHeight;
      if (below > 0) window.scrollBy({ top: below, behavior: "instant" });
    }
  },
  true,
);

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && timers.length) keepScreenOn();
});

// Offline: an answer that could not be sent is kept, on this phone (so a reload keeps it too), and
// sent again until the server has it. The server saves a step once, however often it arrives, so a
// retry can never double a rating.
const offlineNote = document.querySelector("[data-offline-note]");
const PENDING_KEY = "back-release-unsent-answer";
let pending = null;
let retryTimer = null;

function keepPending(value) {
  pending = value;
  try {
    if (value) {
      localStorage.setItem(PENDING_KEY, JSON.stringify({ path: value.path, entries: [...value.body] }));
    } else {
      localStorage.removeItem(PENDING_KEY);
    }
  } catch {
    // Private mode or a full store: the answer is still kept in this page.
  }
}

function keptPending() {
  try {
    const kept = JSON.parse(localStorage.getItem(PENDING_KEY) || "null");
    if (!kept) return null;
    const body = new FormData();
    kept.entries.forEach(([name, value]) => body.append(name, value));
    return { path: kept.path, body };
  } catch {
    return null;
  }
}

function retryLater() {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(sendPending, RETRY_EVERY_MS);
}

async function sendPending() {
  if (!pending) return;
  const { path, body } = pending;
  try {
    const response = await fetch(path, {
      method: "POST",
      body,
      headers: { "HX-Request": "true", "HX-Target": "step" },
      credentials: "same-origin",
    });
    if (!response.ok && response.status !== 422) throw new Error(String(response.status));
    keepPending(null);
    offlineNote.hidden = true;
    window.htmx.swap("#step", await response.text(), { swapStyle: "outerHTML" });
    stepSwapped();
  } catch {
    retryLater();
  }
}

// The note goes right above the bar of the button that was pressed (or the button itself, "Stop
// the session"), where the person looks, and is brought on screen there. In the flow below the
// choices, it covers none and pushes none under the bar: the page moves up to make room for it.
function showOfflineNote(button) {
  const near =
    button?.closest(".step-actions") ?? button ?? document.querySelector("#step .step-actions");
  near?.before(offlineNote);
  offlineNote.hidden = false;
  offlineNote.scrollIntoView({ block: "nearest", behavior: "instant" });
}

function keepAnswer(event) {
  const form = event.detail.elt.closest("form");
  if (!form || !form.closest("#step")) return false;
  const body = new FormData(form);
  const submitter = event.detail.requestConfig?.triggeringEvent?.submitter;
  if (submitter?.name) body.set(submitter.name, submitter.value);
  keepPending({ path: form.getAttribute("hx-post"), body });
  showOfflineNote(submitter);
  retryLater();
  return true;
}

// Known to be offline: the answer is kept without trying (and failing) to send it.
document.body.addEventListener("htmx:beforeRequest", (event) => {
  if (!navigator.onLine && keepAnswer(event)) event.preventDefault();
});
// Offline without the phone knowing yet: the send fails, and the answer is kept.
document.body.addEventListener("htmx:sendError", keepAnswer);

// An answer changed while it waits to be sent replaces the kept one: the last choice is sent.
document.body.addEventListener("change", (event) => {
  const form = event.target.closest?.("#step form");
  if (!pending || !form || form.getAttribute("hx-post") !== pending.path) return;
  const body = new FormData(form);
  const action = pending.body.get("action");
  if (action) body.set("action", action);
  keepPending({ path: pending.path, body });
});

// The kept answer, shown chosen again on the page it belongs to.
function showKept(kept) {
  const form = document.querySelector("#step form[hx-post]");
  if (!form) return;
  for (const [name, value] of kept.body.entries()) {
    for (const input of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
      if (input.type === "radio" || input.type === "checkbox") input.checked = input.value === value;
      else if (input.type !== "hidden") input.value = value;
    }
  }
}

// Reloaded (perhaps offline, from the service worker's copy) with an answer still unsent.
const kept = keptPending();
if (kept && offlineNote && kept.path === window.location.pathname) {
  pending = kept;
  showKept(kept);
  showOfflineNote(null);
  sendPending();
}

window.addEventListener("online", sendPending);
