// A modal view drawn as Slack draws it: title, blocks, inputs, Cancel and Submit. Values go back
// in the shape of a view_submission's view.state.values, keyed by block_id then action_id.
// https://docs.slack.dev/reference/interaction-payloads/view-interactions-payload
import { allOptions, h, optionNodes, renderBlocks, textHtml } from "./blocks.js";
import { plainText } from "./mrkdwn.js";

const REQUIRED = "Please complete this required field.";

/**
 * `handlers.submit(values)` resolves to field errors by block_id (empty when the form closed);
 * `handlers.cancel()` closes it. Client-side, as in Slack, a required field left empty is
 * flagged without anything being sent.
 */
export function renderModal(view, { lookup, options, submit, cancel }) {
  const readers = [];
  const errorSlots = new Map();

  const input = (block) => {
    const e = block.element ?? {};
    const field = control(block, e, options);
    readers.push({ block, element: e, read: field.read });
    const error = h("div", { class: "field-error", "data-testid": `error-${block.block_id}`, hidden: true });
    errorSlots.set(block.block_id, error);
    return h(
      "div",
      { class: "input-block" },
      h("label", { class: "input-label", html: `${plainText(block.label?.text)}${block.optional ? ' <span class="optional">(optional)</span>' : ""}` }),
      field.node,
      block.hint ? h("div", { class: "input-hint", html: plainText(block.hint.text) }) : null,
      error,
    );
  };

  // Errors for a block the form does not have still get said, above the fields.
  const general = h("div", { class: "field-error general-error", "data-testid": "modal-error", hidden: true });
  const showErrors = (errors) => {
    for (const [blockId, slot] of errorSlots) {
      const message = errors[blockId];
      slot.hidden = !message;
      slot.textContent = message ?? "";
      slot.parentElement?.classList.toggle("has-error", Boolean(message));
    }
    const stray = Object.entries(errors).filter(([blockId]) => !errorSlots.has(blockId));
    general.hidden = stray.length === 0;
    general.textContent = stray.map(([, message]) => message).join(" ");
  };

  const values = () => {
    const state = {};
    for (const { block, element, read } of readers) {
      state[block.block_id] = { ...state[block.block_id], [element.action_id]: read() };
    }
    return state;
  };

  const missing = () => {
    const errors = {};
    for (const { block, read } of readers) {
      if (block.optional) continue;
      const value = read();
      const empty = value.value === null || value.selected_option === null || (Array.isArray(value.selected_options) && value.selected_options.length === 0);
      if (empty) errors[block.block_id] = REQUIRED;
    }
    return errors;
  };

  const submitButton = view.submit
    ? h("button", { class: "block-button button-primary", type: "button", "data-testid": "modal-submit", onclick: async () => {
        const local = missing();
        showErrors(local);
        if (Object.keys(local).length > 0) return;
        submitButton.disabled = true;
        try {
          showErrors((await submit(values())) ?? {});
        } finally {
          submitButton.disabled = false;
        }
      } }, view.submit.text)
    : null;

  const blocks = renderBlocks(view.blocks, {
    lookup,
    input,
    // Firebreak's modals hold no buttons; a click inside one would need a view container.
    click: () => undefined,
    choose: () => undefined,
  });

  return h(
    "div",
    { class: "modal-backdrop" },
    h(
      "div",
      { class: "modal", role: "dialog", "data-testid": "modal", "data-view": view.id, "data-callback": view.callback_id ?? "" },
      h("div", { class: "modal-title" }, h("span", { html: plainText(view.title?.text ?? "") }), h("button", { class: "modal-x", type: "button", title: "Close", onclick: cancel }, "×")),
      h("div", { class: "modal-body" }, general, blocks),
      h(
        "div",
        { class: "modal-footer" },
        h("button", { class: "block-button", type: "button", "data-testid": "modal-cancel", onclick: cancel }, view.close?.text ?? "Cancel"),
        submitButton,
      ),
    ),
  );
}

/** The control for an input block's element, and how to read its value back. */
function control(block, e, options) {
  const testid = `input-${block.block_id}`;
  if (e.type === "external_select") {
    // As in Slack: typing at least min_query_length characters asks the app for options.
    let loaded = [];
    const search = h("input", { class: "text-input", type: "text", "data-testid": `${testid}-search`, placeholder: e.placeholder?.text ?? "Type to search" });
    const select = h("select", { class: "block-select", "data-testid": testid }, h("option", { value: "" }, "—"));
    search.addEventListener("input", async () => {
      const typed = search.value;
      if (typed.length < (e.min_query_length ?? 3) || !options) return;
      loaded = (await options(e, block, typed).catch(() => [])) ?? [];
      if (search.value !== typed) return;
      // optionNodes returns an array: replaceChildren, unlike h(), takes nodes one by one.
      select.replaceChildren(h("option", { value: "" }, loaded.length ? "Choose one" : "Nothing found"), ...optionNodes({ options: loaded }));
    });
    const read = () => {
      const chosen = loaded.find((o) => o.value === select.value);
      return { type: "external_select", selected_option: chosen ? { text: chosen.text, value: chosen.value } : null };
    };
    return { node: h("div", { class: "external-select" }, search, select), read };
  }
  if (e.type === "plain_text_input") {
    const attributes = { class: "text-input", "data-testid": testid, placeholder: e.placeholder?.text, maxlength: e.max_length };
    const node = e.multiline ? h("textarea", { ...attributes, rows: 4 }) : h("input", { ...attributes, type: "text" });
    node.value = e.initial_value ?? "";
    return { node, read: () => ({ type: "plain_text_input", value: node.value === "" ? null : node.value }) };
  }
  if (e.type === "static_select") {
    const node = h("select", { class: "block-select", "data-testid": testid }, h("option", { value: "", selected: !e.initial_option }, e.placeholder?.text ?? "Select an item"), optionNodes(e));
    const read = () => {
      const chosen = allOptions(e).find((o) => o.value === node.value);
      return { type: "static_select", selected_option: chosen ? { text: chosen.text, value: chosen.value } : null };
    };
    return { node, read };
  }
  if (e.type === "checkboxes" || e.type === "radio_buttons") {
    const kind = e.type === "checkboxes" ? "checkbox" : "radio";
    const initial = new Set([...(e.initial_options ?? []), ...(e.initial_option ? [e.initial_option] : [])].map((o) => o.value));
    const boxes = (e.options ?? []).map((o) => ({ option: o, box: h("input", { type: kind, name: `${block.block_id}-${e.action_id}`, value: o.value, checked: initial.has(o.value) }) }));
    const node = h("div", { class: "checkboxes", "data-testid": testid }, boxes.map(({ option, box }) => h("label", { class: "checkbox" }, box, h("span", { html: textHtml(option.text) }))));
    const picked = () => boxes.filter((b) => b.box.checked).map((b) => ({ text: b.option.text, value: b.option.value }));
    const read = () => (kind === "checkbox" ? { type: "checkboxes", selected_options: picked() } : { type: "radio_buttons", selected_option: picked()[0] ?? null });
    return { node, read };
  }
  // Kept visible so a form from a newer Firebreak does not silently lose a field.
  return { node: h("div", { class: "block-unknown", "data-testid": testid }, `[${e.type} is not drawn in the sandbox]`), read: () => ({ type: e.type }) };
}
