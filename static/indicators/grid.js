// cchc indicators: the table grid moves with the keyboard and saves as it goes.
// Each cell posts itself (HTMX, hx-trigger="change") when the user leaves it;
// this file only moves the focus, restores a cell on Escape and reloads an
// import's page when its background job ends. No inline script: the CSP
// forbids it.
(function () {
  "use strict";

  function gridInputs(from) {
    const form = from.closest("form") || document;
    return Array.from(form.querySelectorAll("input.grid-input"));
  }

  function move(input, step) {
    const inputs = gridInputs(input);
    const index = inputs.indexOf(input);
    const next = inputs[index + step];
    if (next) {
      next.focus();
      next.select();
    }
  }

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.classList.contains("grid-input")) return;
    if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) {
      // Enter would submit the whole form: move down instead (the cell saves
      // on change as focus leaves it).
      event.preventDefault();
      move(input, 1);
    } else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) {
      event.preventDefault();
      move(input, -1);
    } else if (event.key === "Escape") {
      if (input.dataset.original !== undefined) {
        input.value = input.dataset.original;
      }
      input.blur();
    }
  });

  document.addEventListener("focusin", (event) => {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("grid-input")) {
      input.select();
    }
  });

  // An import checked or applied by a background job: once the job's
  // progress partial reports the end, show the page again with the result.
  document.addEventListener("htmx:afterSwap", (event) => {
    const target = event.detail && event.detail.target;
    if (!target || !document.getElementById("import-page")) return;
    const job = target.classList && target.classList.contains("job") ? target : null;
    if (job && (job.dataset.status === "succeeded" || job.dataset.status === "failed")) {
      window.location.reload();
    }
  });
})();
