// The parts of a release session only the browser can do: the breathing pacer, the relax countdown
// with its end cue, keeping the screen on, and moving focus to each new step.

const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
let audioContext = null;
let wakeLock = null;
let timers = [];

function clearTimers() {
  timers.forEach((id) => clearInterval(id));
  timers = [];
}

// Browsers only let audio start after a tap, so the context is opened on the first one.
document.addEventListener("click", () => {
  if (!audioContext && window.AudioContext) {
    audioContext = new AudioContext();
  }
  audioContext?.resume();
});

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

function say(text) {
  if (!window.speechSynthesis) return;
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
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

function startCountdown(element) {
  const endsAt = Date.parse(element.dataset.endsAt);
  // Corrects for a phone clock that disagrees with the server's.
  const skew = Date.parse(element.dataset.now) - Date.now();
  const time = element.querySelector("[data-countdown-time]");
  const status = element.querySelector("[data-countdown-status]");
  let lastMinuteSaid = false;
  let ended = false;

  function tick() {
    const left = (endsAt - (Date.now() + skew)) / 1000;
    time.textContent = format(left);
    if (!lastMinuteSaid && left <= 60 && left > 1) {
      lastMinuteSaid = true;
      status.textContent = "One minute left.";
    }
    if (left <= 0 && !ended) {
      ended = true;
      element.classList.add("is-over");
      status.textContent = "Five minutes are up. Roll gently onto your side and take the ball away.";
      chime();
      navigator.vibrate?.([400, 200, 400, 200, 400]);
      say("Time is up. Roll gently onto your side and take the ball away.");
      releaseScreen();
    }
  }
  tick();
  timers.push(setInterval(tick, 1000));
  keepScreenOn();
}

function startPacer(element) {
  const cue = element.querySelector("[data-pacer-cue]");
  const breathIn = 4000;
  const breathOut = 7000;
  let inhaling = true;
  function phase() {
    element.classList.toggle("is-in", inhaling);
    element.classList.toggle("is-out", !inhaling);
    cue.textContent = inhaling ? "Breathe in" : "Out, with a long sss";
    const next = inhaling ? breathIn : breathOut;
    inhaling = !inhaling;
    timers.push(setTimeout(phase, next));
  }
  if (!reducedMotion.matches) element.classList.add("is-moving");
  phase();
  keepScreenOn();
}

function setUp(root, { moveFocus }) {
  clearTimers();
  root.querySelectorAll("[data-countdown]").forEach(startCountdown);
  root.querySelectorAll("[data-pacer]").forEach(startPacer);
  if (moveFocus) root.querySelector("#step-title")?.focus();
}

let currentStep = document.querySelector("#step")?.dataset.step;
setUp(document, { moveFocus: false });

document.body.addEventListener("htmx:afterSwap", () => {
  const step = document.querySelector("#step");
  if (!step) return;
  const moved = step.dataset.step !== currentStep;
  currentStep = step.dataset.step;
  setUp(step, { moveFocus: moved });
});

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && timers.length) keepScreenOn();
});
