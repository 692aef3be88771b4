// Block Kit as Slack draws it, for what Firebreak sends: section (text, fields, accessory),
// header, context, divider, actions (buttons, static selects), image, and input blocks, which
// only modals carry and whose drawing is left to the modal (see modal.js).
// https://docs.slack.dev/reference/block-kit/blocks
import { escapeHtml, mrkdwn, plainText } from "./mrkdwn.js";

/** A DOM element: h("div", { class: "x", "data-testid": "y", onclick }, child, "text", ...). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "html") element.innerHTML = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A text object (plain_text or mrkdwn) as HTML. */
export function textHtml(text, lookup) {
  if (!text) return "";
  if (typeof text === "string") return mrkdwn(text, lookup);
  return text.type === "mrkdwn" ? mrkdwn(text.text, lookup) : plainText(text.text);
}

/**
 * `ctx.lookup` names users and channels; `ctx.click(element, block)` and
 * `ctx.choose(element, block, option)` report interactions; `ctx.input(block)` draws input blocks.
 */
export function renderBlocks(blocks, ctx) {
  const root = h("div", { class: "blocks" });
  for (const block of blocks ?? []) {
    const drawn = renderBlock(block, ctx);
    if (drawn) root.append(drawn);
  }
  return root;
}

function renderBlock(block, ctx) {
  switch (block.type) {
    case "section":
      return section(block, ctx);
    case "header":
      return h("div", { class: "block-header", html: plainText(block.text?.text) });
    case "divider":
      return h("hr", { class: "block-divider" });
    case "context":
      return h(
        "div",
        { class: "block-context" },
        (block.elements ?? []).map((e) => (e.type === "image" ? h("img", { src: e.image_url, alt: e.alt_text ?? "", class: "context-image" }) : h("span", { html: textHtml(e, ctx.lookup) }))),
      );
    case "actions":
      return h("div", { class: "block-actions" }, (block.elements ?? []).map((e) => element(e, block, ctx)));
    case "image":
      return h("img", { class: "block-image", src: block.image_url, alt: block.alt_text ?? "" });
    case "input":
      return ctx.input ? ctx.input(block) : null;
    case "rich_text":
      return h("div", { class: "block-section", html: escapeHtml(richText(block)) });
    default:
      return h("div", { class: "block-unknown" }, `[${block.type} block]`);
  }
}

function section(block, ctx) {
  const body = h("div", { class: "section-body" });
  if (block.text) body.append(h("div", { class: "section-text", html: textHtml(block.text, ctx.lookup) }));
  if (block.fields?.length) {
    body.append(h("div", { class: "section-fields" }, block.fields.map((f) => h("div", { class: "section-field", html: textHtml(f, ctx.lookup) }))));
  }
  const accessory = block.accessory ? h("div", { class: "section-accessory" }, element(block.accessory, block, ctx)) : null;
  return h("div", { class: "block-section" }, body, accessory);
}

/** A button, select, overflow or image inside a section or an actions block. */
function element(e, block, ctx) {
  if (e.type === "button") {
    const style = e.style === "primary" || e.style === "danger" ? ` button-${e.style}` : "";
    return h(
      "button",
      { class: `block-button${style}`, type: "button", "data-testid": `button-${e.action_id}`, "data-block": block.block_id ?? "", onclick: () => ctx.click(e, block) },
      h("span", { html: plainText(e.text?.text) }),
    );
  }
  if (e.type === "static_select") {
    const select = h(
      "select",
      { class: "block-select", "data-testid": `select-${e.action_id}`, onchange: (event) => {
        const chosen = allOptions(e).find((o) => o.value === event.target.value);
        if (chosen) ctx.choose(e, block, chosen);
      } },
      h("option", { value: "", disabled: true, selected: !e.initial_option }, e.placeholder?.text ?? "Select an item"),
      optionNodes(e),
    );
    return select;
  }
  if (e.type === "image") return h("img", { class: "accessory-image", src: e.image_url, alt: e.alt_text ?? "" });
  return h("span", { class: "block-unknown" }, `[${e.type}]`);
}

export function allOptions(e) {
  return [...(e.options ?? []), ...(e.option_groups ?? []).flatMap((g) => g.options ?? [])];
}

/** <option>s (in <optgroup>s where the element has groups), with the initial one selected. */
export function optionNodes(e) {
  const option = (o) => h("option", { value: o.value, selected: e.initial_option?.value === o.value }, decode(o.text?.text ?? o.value));
  if (e.option_groups?.length) return e.option_groups.map((g) => h("optgroup", { label: g.label?.text ?? "" }, (g.options ?? []).map(option)));
  return (e.options ?? []).map(option);
}

// Option text is plain_text: drawn as typed, only its emoji shortcodes turned into emoji.
function decode(text) {
  const holder = document.createElement("span");
  holder.innerHTML = plainText(text);
  return holder.textContent;
}

function richText(block) {
  const walk = (node) => (node.text ?? "") + (node.elements ?? []).map(walk).join("");
  return (block.elements ?? []).map(walk).join("\n");
}
