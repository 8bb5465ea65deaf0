// cchc: small behaviours that need no inline script (the CSP forbids it).

// A <select class="js-autosubmit"> submits its form when changed.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target instanceof HTMLSelectElement && target.classList.contains("js-autosubmit")) {
    target.form.submit();
  }
});

// Points of a conclusion can be dragged into a new order; the new order is
// posted and the server answers with the renumbered part.
function initSortable(root) {
  if (typeof Sortable === "undefined" || typeof htmx === "undefined") return;
  root.querySelectorAll(".js-sortable").forEach((list) => {
    if (list.dataset.sortableReady) return;
    list.dataset.sortableReady = "1";
    Sortable.create(list, {
      handle: ".drag-handle",
      animation: 150,
      onEnd: () => {
        const order = Array.from(list.querySelectorAll(":scope > li")).map((li) => li.dataset.id);
        htmx.ajax("POST", list.dataset.reorderUrl, {
          target: list.dataset.target,
          swap: "outerHTML",
          values: { order: order },
        });
      },
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof htmx !== "undefined") {
    htmx.onLoad((element) => initSortable(element));
  } else {
    initSortable(document);
  }
});

// A form (or its button) with data-confirm asks before it is sent: publish,
// submit, delete, lock. Cancelling sends nothing.
document.addEventListener(
  "submit",
  (event) => {
    const form = event.target;
    const button = event.submitter;
    const question = (button && button.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true,
);
