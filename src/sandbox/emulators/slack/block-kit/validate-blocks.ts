// Block Kit as Slack checks it: block types per surface, element types per block, every
// documented length and count (limits.ts), and unique block_ids and action_ids. Each problem is
// reported the way Slack words it, with a JSON pointer to the offending value, e.g.
// "must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
import * as L from "./limits.js";

export interface BlockKitIssue {
  message: string;
  pointer: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);
/** Characters as Slack counts them: code points, so an emoji is one, not two UTF-16 units. */
export const slackLength = (text: string) => [...text].length;

/** Collects issues while walking one payload; `block_id`s are unique across the whole payload. */
export class IssueCollector {
  readonly issues: BlockKitIssue[] = [];
  readonly blockIds = new Set<string>();

  add(pointer: string, message: string) {
    this.issues.push({ message, pointer });
  }

  /** A string no longer than `max` characters (and, when required, present and non-empty). */
  string(value: unknown, pointer: string, max: number, required = false) {
    if (value === undefined || value === null) {
      if (required) this.add(pointer, "missing required field");
      return;
    }
    if (typeof value !== "string") return this.add(pointer, "must be a string");
    if (required && value.length === 0) return this.add(pointer, "must be more than 0 characters");
    if (slackLength(value) > max) this.add(pointer, `must be less than ${max + 1} characters`);
  }

  /** An array of at most `max` items; answers the items to walk (none when it is not an array). */
  array(value: unknown, pointer: string, max: number, required = false, min = required ? 1 : 0): unknown[] {
    if (value === undefined) {
      if (required) this.add(pointer, "missing required field");
      return [];
    }
    if (!Array.isArray(value)) {
      this.add(pointer, "must be an array");
      return [];
    }
    if (value.length < min) this.add(pointer, `must provide at least ${min} items`);
    if (value.length > max) this.add(pointer, `no more than ${max} items allowed`);
    return value;
  }

  /** A text object (https://docs.slack.dev/reference/block-kit/composition-objects/text-object). */
  text(value: unknown, pointer: string, max: number, options: { required?: boolean; plainOnly?: boolean } = {}) {
    if (value === undefined) {
      if (options.required) this.add(pointer, "missing required field");
      return;
    }
    if (!isObject(value)) return this.add(pointer, "must provide an object");
    if (value.type !== "plain_text" && value.type !== "mrkdwn") return this.add(`${pointer}/type`, "must be one of plain_text, mrkdwn");
    if (options.plainOnly && value.type !== "plain_text") return this.add(`${pointer}/type`, "must be plain_text");
    this.string(value.text, `${pointer}/text`, Math.min(max, L.MAX_TEXT_OBJECT), true);
  }
}

export function validateBlocks(blocks: unknown, surface: L.Surface, pointer: string, collector = new IssueCollector()): BlockKitIssue[] {
  const items = collector.array(blocks, pointer, L.MAX_BLOCKS[surface]);
  items.forEach((block, i) => validateBlock(collector, block, surface, `${pointer}/${i}`));
  return collector.issues;
}

function validateBlock(c: IssueCollector, block: unknown, surface: L.Surface, at: string) {
  if (!isObject(block)) return c.add(at, "must provide an object");
  const type = block.type;
  if (typeof type !== "string") return c.add(`${at}/type`, "missing required field");
  const surfaces = L.BLOCK_SURFACES[type];
  if (!surfaces) return c.add(`${at}/type`, `unsupported type: ${type}`);
  if (!surfaces.includes(surface)) return c.add(`${at}/type`, `unsupported type: ${type} is not allowed in ${surface}s`);
  if (block.block_id !== undefined) {
    c.string(block.block_id, `${at}/block_id`, L.MAX_BLOCK_ID);
    if (typeof block.block_id === "string") {
      if (c.blockIds.has(block.block_id)) c.add(`${at}/block_id`, `duplicate block_id: ${block.block_id}`);
      c.blockIds.add(block.block_id);
    }
  }
  const actionIds = new Set<string>();
  const element = (value: unknown, where: string, allowed: Set<string>) => validateElement(c, value, where, allowed, actionIds);
  switch (type) {
    case "section": {
      if (block.text === undefined && block.fields === undefined) c.add(`${at}/text`, "missing required field");
      c.text(block.text, `${at}/text`, L.SECTION.text);
      c.array(block.fields, `${at}/fields`, L.SECTION.fields).forEach((f, i) => c.text(f, `${at}/fields/${i}`, L.SECTION.fieldText, { required: true }));
      if (block.accessory !== undefined) element(block.accessory, `${at}/accessory`, L.ACCESSORY_TYPES);
      return;
    }
    case "header":
      return c.text(block.text, `${at}/text`, L.HEADER_TEXT, { required: true, plainOnly: true });
    case "context":
      return c.array(block.elements, `${at}/elements`, L.CONTEXT_ELEMENTS, true).forEach((e, i) => {
        const where = `${at}/elements/${i}`;
        if (isObject(e) && e.type === "image") validateImage(c, e, where);
        else c.text(e, where, L.MAX_TEXT_OBJECT, { required: true });
      });
    case "actions":
      return c.array(block.elements, `${at}/elements`, L.ACTIONS_ELEMENTS, true).forEach((e, i) => element(e, `${at}/elements/${i}`, L.ACTIONS_ELEMENT_TYPES));
    case "image":
      return validateImage(c, block, at);
    case "input":
      c.text(block.label, `${at}/label`, L.INPUT.label, { required: true, plainOnly: true });
      c.text(block.hint, `${at}/hint`, L.INPUT.hint, { plainOnly: true });
      if (block.element === undefined) return c.add(`${at}/element`, "missing required field");
      return element(block.element, `${at}/element`, L.INPUT_ELEMENT_TYPES);
    case "markdown":
      return c.string(block.text, `${at}/text`, L.MARKDOWN_TEXT, true);
    default:
      return;
  }
}

function validateImage(c: IssueCollector, image: Json, at: string) {
  if (image.slack_file === undefined) c.string(image.image_url, `${at}/image_url`, L.IMAGE.url, true);
  c.string(image.alt_text, `${at}/alt_text`, L.IMAGE.altText, true);
  if (image.title !== undefined) c.text(image.title, `${at}/title`, L.IMAGE.title, { plainOnly: true });
}

function validateElement(c: IssueCollector, element: unknown, at: string, allowed: Set<string>, actionIds: Set<string>) {
  if (!isObject(element)) return c.add(at, "must provide an object");
  const type = element.type;
  if (typeof type !== "string") return c.add(`${at}/type`, "missing required field");
  if (!allowed.has(type)) return c.add(`${at}/type`, `unsupported type: ${type}`);
  if (type === "image") return validateImage(c, element, at);
  if (element.action_id !== undefined) {
    c.string(element.action_id, `${at}/action_id`, L.MAX_ACTION_ID);
    if (typeof element.action_id === "string") {
      if (actionIds.has(element.action_id)) c.add(`${at}/action_id`, `duplicate action_id: ${element.action_id}`);
      actionIds.add(element.action_id);
    }
  }
  if (element.confirm !== undefined) validateConfirm(c, element.confirm, `${at}/confirm`);
  c.text(element.placeholder, `${at}/placeholder`, L.SELECT.placeholder, { plainOnly: true });
  if (type === "button") {
    c.text(element.text, `${at}/text`, L.BUTTON.text, { required: true, plainOnly: true });
    c.string(element.value, `${at}/value`, L.BUTTON.value);
    c.string(element.url, `${at}/url`, L.BUTTON.url);
    c.string(element.accessibility_label, `${at}/accessibility_label`, L.BUTTON.accessibilityLabel);
    if (element.style !== undefined && element.style !== "primary" && element.style !== "danger") c.add(`${at}/style`, "must be one of primary, danger");
    return;
  }
  if (type === "plain_text_input") {
    c.string(element.initial_value, `${at}/initial_value`, L.PLAIN_TEXT_INPUT.maxLength);
    if (typeof element.max_length === "number" && element.max_length > L.PLAIN_TEXT_INPUT.maxLength) c.add(`${at}/max_length`, `must be less than or equal to ${L.PLAIN_TEXT_INPUT.maxLength}`);
    return;
  }
  const optionLimit = type === "overflow" ? L.OVERFLOW_OPTIONS : type === "checkboxes" || type === "radio_buttons" ? L.CHOICE_OPTIONS : L.SELECT.options;
  const required = type === "overflow" || type === "checkboxes" || type === "radio_buttons" || (type.endsWith("static_select") && element.option_groups === undefined);
  c.array(element.options, `${at}/options`, optionLimit, required).forEach((o, i) => validateOption(c, o, `${at}/options/${i}`));
  c.array(element.option_groups, `${at}/option_groups`, L.SELECT.optionGroups).forEach((g, i) => {
    if (!isObject(g)) return c.add(`${at}/option_groups/${i}`, "must provide an object");
    c.array(g.options, `${at}/option_groups/${i}/options`, L.SELECT.options, true).forEach((o, j) => validateOption(c, o, `${at}/option_groups/${i}/options/${j}`));
  });
  if (element.initial_option !== undefined) validateOption(c, element.initial_option, `${at}/initial_option`);
}

function validateOption(c: IssueCollector, option: unknown, at: string) {
  if (!isObject(option)) return c.add(at, "must provide an object");
  c.text(option.text, `${at}/text`, L.OPTION.text, { required: true });
  c.string(option.value, `${at}/value`, L.OPTION.value);
  c.text(option.description, `${at}/description`, L.OPTION.description);
  c.string(option.url, `${at}/url`, L.OPTION.url);
}

function validateConfirm(c: IssueCollector, confirm: unknown, at: string) {
  if (!isObject(confirm)) return c.add(at, "must provide an object");
  c.text(confirm.title, `${at}/title`, L.CONFIRM.title, { required: true, plainOnly: true });
  c.text(confirm.text, `${at}/text`, L.CONFIRM.text, { required: true });
  c.text(confirm.confirm, `${at}/confirm`, L.CONFIRM.confirm, { required: true, plainOnly: true });
  c.text(confirm.deny, `${at}/deny`, L.CONFIRM.deny, { required: true, plainOnly: true });
}
