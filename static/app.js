// Taskwise's only script besides htmx: small progressive enhancements, no inline code (CSP).
// Everything here has a plain-HTML way too; the page works with JavaScript off.
document.addEventListener("DOMContentLoaded", () => {
  // Sign-up: tell the server the browser's time zone so due dates mean local time.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("input[data-fill-timezone]").forEach((input) => {
    if (!input.value && zone) input.value = zone;
  });
});

// "Select all on this page" ticks every row's checkbox of that name, and follows them.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") return;
  if (box.dataset.selectAll) {
    document.querySelectorAll(`input[type="checkbox"][name="${box.dataset.selectAll}"]`)
      .forEach((other) => { other.checked = box.checked; });
    box.indeterminate = false;
    return;
  }
  const all = document.querySelector(`input[data-select-all="${box.name}"]`);
  if (all instanceof HTMLInputElement) {
    const boxes = [...document.querySelectorAll(`input[type="checkbox"][name="${box.name}"]`)];
    const ticked = boxes.filter((b) => b.checked).length;
    all.checked = ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
});

// A form that adds a task through htmx is emptied once the task is in.
document.addEventListener("htmx:afterRequest", (event) => {
  const form = event.detail.elt;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-reset-on-success") && event.detail.successful) {
    form.reset();
    // The used one-time token would make the next add a duplicate of this one.
    form.querySelectorAll('input[name="form_token"]').forEach((input) => {
      input.value = crypto.randomUUID();
    });
    // A form re-rendered with an error (a 400) holds the refused text as its default value,
    // which reset() would put back: empty the fields, and the error goes with the text.
    form.querySelectorAll('input:not([type="hidden"]):not([type="checkbox"]), textarea').forEach((field) => {
      field.value = "";
      field.removeAttribute("aria-invalid");
    });
    form.querySelectorAll(".field-error").forEach((error) => error.remove());
    // The quick-add preview described the line just added; the list's message says what was.
    form.querySelectorAll(".quick-preview").forEach((box) => box.replaceChildren());
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

// --- focus follows what changed ----------------------------------------------------------
const rows = () => [...document.querySelectorAll("#task-rows > li[data-task-id]")];
let lastRow = null; // {id, index} of the row an htmx request started from

document.addEventListener("htmx:beforeRequest", (event) => {
  const row = event.detail.elt.closest && event.detail.elt.closest("li[data-task-id]");
  lastRow = row ? { id: row.dataset.taskId, index: rows().indexOf(row) } : null;
});

function focusRow(row) {
  if (!row) return;
  rows().forEach((r) => r.classList.toggle("is-current", r === row));
  const target = row.querySelector(".task-title") || row;
  target.focus();
}

document.addEventListener("htmx:afterSettle", (event) => {
  // Read out the message of an in-place change (the live region stays; its text changes).
  const flash = document.querySelector("#task-list .flash .flash-text");
  const announcer = document.getElementById("announcer");
  if (announcer && flash) announcer.textContent = flash.textContent;
  if (!lastRow) return;
  // Inline edit: straight to the title.
  const edited = document.getElementById(`task-${lastRow.id}`);
  if (edited && edited.classList.contains("editing")) {
    const title = edited.querySelector('input[name="title"]');
    if (title) { title.focus(); title.select(); }
    lastRow = null;
    return;
  }
  // Back to the row after save or cancel; after it left the view, to the row now in its place.
  const all = rows();
  const same = all.find((r) => r.dataset.taskId === lastRow.id);
  const next = same || all[Math.min(lastRow.index, all.length - 1)];
  if (next) focusRow(next);
  else document.getElementById("f-quick")?.focus();
  lastRow = null;
});

// Escape in an inline edit form cancels it (its Cancel link puts the row back).
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const form = event.target instanceof Element && event.target.closest("li.editing form");
  const cancel = form && form.querySelector("a.cancel");
  if (cancel) {
    event.preventDefault();
    cancel.click();
  }
});

// --- keyboard shortcuts (listed on the page under "Keyboard shortcuts") -------------------
function currentRow() {
  const active = document.activeElement;
  return (active && active.closest && active.closest("#task-rows > li[data-task-id]"))
    || document.querySelector("#task-rows > li.is-current");
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  const t = event.target;
  if (t instanceof HTMLElement && (t.isContentEditable || t.closest("input, textarea, select"))) return;
  const row = currentRow();
  const all = rows();
  const act = {
    n: () => document.getElementById("f-quick")?.focus(),
    q: () => document.getElementById("f-quick")?.focus(),
    "/": () => document.getElementById("q")?.focus(),
    j: () => focusRow(all[row ? Math.min(all.indexOf(row) + 1, all.length - 1) : 0]),
    k: () => focusRow(all[row ? Math.max(all.indexOf(row) - 1, 0) : 0]),
    x: () => row?.querySelector("button.check")?.click(),
    e: () => row?.querySelector("a.edit")?.click(),
    "?": () => {
      const help = document.getElementById("shortcuts");
      if (!help) return;
      help.open = true;
      help.querySelector("summary")?.focus();
      help.scrollIntoView({ block: "nearest" });
    },
  }[event.key];
  if (act) {
    event.preventDefault();
    act();
  }
});
