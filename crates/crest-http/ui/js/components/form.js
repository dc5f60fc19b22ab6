// Form fields with labels: text inputs, selects and checkbox lists, and reading them back.

import { h } from "../dom.js";

let counter = 0;

/** A labelled input (or select when `options` is given). */
export function field({ label, name, type = "text", value = "", required = false, placeholder, help, options, autocomplete, autofocus, min, max }) {
  const id = `f-${name}-${++counter}`;
  let input;
  if (options) {
    input = h("select", { id, name, required },
      options.map((o) => h("option", { value: o.value, selected: o.value === value }, o.label)));
  } else {
    input = h("input", { id, name, type, value, required, placeholder, autocomplete, autofocus, min, max });
  }
  const helpEl = help ? h("small", { class: "help", id: `${id}-help` }, help) : null;
  if (helpEl) input.setAttribute("aria-describedby", helpEl.id);
  return h("div", { class: "field" }, h("label", { for: id }, label), input, helpEl);
}

/** A fieldset of checkboxes; `items` are {value, label}; `checked` a list of values. With no
 *  items it says so ("None yet.") rather than standing empty. */
export function checkboxes({ legend, name, items, checked = [], help }) {
  return h("fieldset", { class: "checks" },
    h("legend", {}, legend),
    items.length && help ? h("small", { class: "help" }, help) : null,
    items.length
      ? h("div", { class: "check-grid" },
        items.map((item) => h("label", { class: "check" },
          h("input", { type: "checkbox", name, value: item.value, checked: checked.includes(item.value) }),
          h("span", {}, item.label))))
      : h("p", { class: "none-yet" }, "None yet."));
}

/** The values of the checked boxes named `name`. */
export function checkedValues(form, name) {
  return [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
}

/** The trimmed value of the field named `name`. */
export function value(form, name) {
  return (form.elements.namedItem(name)?.value || "").trim();
}
