// Nothing of a person stays on this phone once no one is signed in: every page shown signed out
// (the one after signing out, the one after deleting the account) removes what the app kept in
// this browser's storage, such as an answer never sent with the note typed into it. Every key the
// app keeps begins "back-release-" (static/js/session.js).
const PREFIX = "back-release-";
try {
  Object.keys(localStorage)
    .filter((key) => key.startsWith(PREFIX))
    .forEach((key) => localStorage.removeItem(key));
} catch {
  // Storage turned off: nothing was kept.
}
