// "Copy the link" buttons: copies the named field and says so, for eyes and screen readers, in the
// page's language (Django's JavaScript catalog, base.html; English if it could not load).
const gettext = window.gettext ?? ((text) => text);

document.body.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.querySelector(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = gettext("Copied");
  } catch {
    button.textContent = gettext("Select the link and copy it");
  }
});
