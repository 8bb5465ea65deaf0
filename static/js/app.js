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

// Keyboard use of the findings editor: a point opened for editing takes the
// focus to its first field; saved or cancelled, the focus goes back to its edit
// button; a point moved up or down keeps the focus on the same arrow. Without
// this the focus falls to the top of the page after every swap.
document.addEventListener("htmx:afterSettle", (event) => {
  const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  const target = trigger && trigger.getAttribute("hx-target");
  if (!target) return;
  if (target.startsWith("#finding-")) {
    const item = document.querySelector(target);
    if (!item) return;
    const next = item.classList.contains("editing")
      ? item.querySelector("textarea, select, input:not([type=hidden])")
      : item.querySelector(".js-edit");
    if (next) next.focus();
  } else if (target.startsWith("#part-") && trigger.matches("form[action*='/move/']")) {
    const match = trigger.getAttribute("action").match(/findings\/(\d+)\/move\//);
    const button = trigger.querySelector("button");
    const arrow = button && (button.classList.contains("js-move-up") ? ".js-move-up" : ".js-move-down");
    const moved = match && document.querySelector(`#finding-${match[1]} ${arrow}`);
    if (moved) moved.focus();
  }
});
