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
