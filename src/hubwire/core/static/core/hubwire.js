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
