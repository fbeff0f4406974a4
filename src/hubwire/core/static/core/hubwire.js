// Small behaviours shared by every page. No build step; loaded with defer.

// <button data-copy="text">: copy the text, and say so on the button for a moment.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const label = button.textContent;
  try {
    await navigator.clipboard.writeText(button.dataset.copy);
    button.textContent = "Copied";
  } catch {
    window.prompt("Copy this:", button.dataset.copy);  // no clipboard access (e.g. plain http on a LAN address)
  }
  setTimeout(() => { button.textContent = label; }, 1500);
});

// <button data-print>: print the page (the print stylesheet leaves out navigation and buttons).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

// <form data-confirm="Void invoice INV-0001? …">: before it is sent, a dialog asks the question, which
// says what will happen; its confirm button repeats the form's button (or says data-confirm-label).
// It listens before anything else sees the submit, so it guards htmx forms and plain forms alike.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.dataset.confirm) return;
  if (form.hubwireConfirmed) {
    form.hubwireConfirmed = false;
    return;
  }
  event.preventDefault();
  event.stopImmediatePropagation();
  const button = event.submitter;
  ask(form.dataset.confirm, form.dataset.confirmLabel || (button && button.textContent.trim()) || "Continue")
    .then((yes) => {
      if (!yes) return;
      form.hubwireConfirmed = true;
      form.requestSubmit(button);
    });
}, true);

function ask(question, yesLabel) {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm";
  dialog.setAttribute("aria-labelledby", "confirm-question");
  dialog.setAttribute("data-testid", "confirm");
  dialog.innerHTML = '<form method="dialog"><p id="confirm-question"></p><div class="toolbar">'
    + '<button value="yes" data-testid="confirm-yes"></button>'
    + '<button value="no" class="secondary" data-testid="confirm-no" autofocus>Go back</button></div></form>';
  dialog.querySelector("p").textContent = question;
  dialog.querySelector("[value=yes]").textContent = yesLabel;
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      resolve(dialog.returnValue === "yes");
    }, { once: true });
    dialog.showModal();
  });
}

// role="tablist": the arrow keys, Home and End move to another tab and show it; Space shows the
// focused one (the WAI-ARIA tabs pattern). The tabs are links, so Enter already follows them.
document.addEventListener("keydown", (event) => {
  const tab = event.target.closest && event.target.closest('[role="tab"]');
  const list = tab && tab.closest('[role="tablist"]');
  if (!list) return;
  const tabs = [...list.querySelectorAll('[role="tab"]')];
  const at = tabs.indexOf(tab);
  const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1, " ": at }[event.key];
  if (to === undefined) return;
  event.preventDefault();
  const chosen = tabs[(to + tabs.length) % tabs.length];
  chosen.focus();
  // htmx takes over swapped-in links only when the swap settles (20 ms later), and a held or quickly
  // pressed key lands in between: without this the click would load the whole page and lose focus.
  if (window.htmx) htmx.process(chosen);
  chosen.click();  // htmx swaps the tab in; focus stays on it, as it keeps its id
});

// <button data-add-form="lines">: add a row to a Django formset with that prefix, from its
// <template id="lines-template"> (the formset's empty form), and count it in lines-TOTAL_FORMS.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-add-form]");
  if (!button) return;
  const prefix = button.dataset.addForm;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const most = Number(document.getElementById(`id_${prefix}-MAX_NUM_FORMS`).value);
  const index = Number(total.value);
  if (index >= most) return;
  const html = document.getElementById(`${prefix}-template`).innerHTML.replaceAll("__prefix__", String(index));
  document.getElementById(`${prefix}-rows`).insertAdjacentHTML("beforeend", html);
  total.value = String(index + 1);
  button.disabled = index + 1 >= most;
  document.getElementById(`${prefix}-rows`).lastElementChild.querySelector("input, select, textarea")?.focus();
});
