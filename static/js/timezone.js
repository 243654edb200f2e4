// Pre-selects the browser's own time zone on the sign-up form; the person can still change it.
const field = document.querySelector("#id_time_zone");
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
if (field && zone && [...field.options].some((option) => option.value === zone)) {
  field.value = zone;
}
