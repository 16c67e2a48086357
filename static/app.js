// Taskwise's only script besides htmx: small progressive enhancements, no inline code (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Sign-up: tell the server the browser's time zone so due dates mean local time.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("input[data-fill-timezone]").forEach((input) => {
    if (!input.value && zone) input.value = zone;
  });
});
