// Taskwise's only script besides htmx: small progressive enhancements, no inline code (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Sign-up: tell the server the browser's time zone so due dates mean local time.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("input[data-fill-timezone]").forEach((input) => {
    if (!input.value && zone) input.value = zone;
  });
});

// "Select all on this page" ticks every row's checkbox of that name.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (box instanceof HTMLInputElement && box.dataset.selectAll) {
    document.querySelectorAll(`input[type="checkbox"][name="${box.dataset.selectAll}"]`)
      .forEach((other) => { other.checked = box.checked; });
  }
});

// A form that adds a row through htmx is emptied once the row is in.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success") && event.detail.successful) {
    form.reset();
    // The used one-time token would make the next add a duplicate of this one.
    form.querySelectorAll('input[name="form_token"]').forEach((input) => {
      input.value = crypto.randomUUID();
    });
  }
});

// The assistant's chat: after an exchange (the box comes back empty), focus it, show the newest.
function showNewestMessage() {
  const messages = document.querySelectorAll("#messages > .message");
  if (messages.length) messages[messages.length - 1].scrollIntoView({ block: "nearest" });
  document.getElementById("assistant-content")?.focus();
}
document.addEventListener("htmx:afterSettle", () => {
  if (document.getElementById("assistant-content")) showNewestMessage();
});
document.addEventListener("DOMContentLoaded", () => {
  if (document.getElementById("messages")) showNewestMessage();
});
