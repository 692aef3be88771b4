// Slack's documented Block Kit limits, one constant per rule, each with the page that states it.
// Lengths are counted in characters as Slack's JSON-schema validator counts them (Unicode code
// points, as JSON Schema's maxLength does: https://json-schema.org/draft/2020-12/json-schema-validation#section-6.3.1),
// and its refusal reads "must be less than <max + 1> characters".

/** Surfaces a block can be sent to. */
export type Surface = "message" | "modal" | "home";

// https://docs.slack.dev/reference/block-kit/blocks: "up to 50 blocks in each message, and 100
// blocks in modals or Home tabs".
export const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

// https://docs.slack.dev/reference/block-kit/blocks (block_id on every block): 255 characters,
// unique within a message or view.
export const MAX_BLOCK_ID = 255;
// https://docs.slack.dev/reference/block-kit/block-elements (action_id on every element): 255
// characters, unique among the action_ids of the containing block.
export const MAX_ACTION_ID = 255;

// https://docs.slack.dev/reference/block-kit/composition-objects/text-object: 1..3000 characters.
export const MAX_TEXT_OBJECT = 3000;

// https://docs.slack.dev/reference/block-kit/blocks/section-block
export const SECTION = { text: 3000, fields: 10, fieldText: 2000 } as const;
// https://docs.slack.dev/reference/block-kit/blocks/header-block
export const HEADER_TEXT = 150;
// https://docs.slack.dev/reference/block-kit/blocks/context-block
export const CONTEXT_ELEMENTS = 10;
// https://docs.slack.dev/reference/block-kit/blocks/actions-block
export const ACTIONS_ELEMENTS = 25;
// https://docs.slack.dev/reference/block-kit/blocks/image-block
export const IMAGE = { url: 3000, altText: 2000, title: 2000 } as const;
// https://docs.slack.dev/reference/block-kit/blocks/input-block
export const INPUT = { label: 2000, hint: 2000 } as const;
// https://docs.slack.dev/reference/block-kit/blocks/markdown-block
export const MARKDOWN_TEXT = 12_000;

// https://docs.slack.dev/reference/block-kit/block-elements/button-element
export const BUTTON = { text: 75, value: 2000, url: 3000, accessibilityLabel: 75 } as const;
// https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object
export const CONFIRM = { title: 100, text: 300, confirm: 30, deny: 30 } as const;
// https://docs.slack.dev/reference/block-kit/composition-objects/option-object
export const OPTION = { text: 75, value: 150, description: 75, url: 3000 } as const;
// https://docs.slack.dev/reference/block-kit/block-elements/select-menu-element: options ≤ 100,
// option_groups ≤ 100, placeholder ≤ 150.
export const SELECT = { options: 100, optionGroups: 100, placeholder: 150 } as const;
// https://docs.slack.dev/reference/block-kit/block-elements/checkboxes-element and radio-button-element
export const CHOICE_OPTIONS = 10;
// https://docs.slack.dev/reference/block-kit/block-elements/overflow-menu-element: 1..5 options.
export const OVERFLOW_OPTIONS = 5;
// https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element
export const PLAIN_TEXT_INPUT = { placeholder: 150, maxLength: 3000 } as const;

// https://docs.slack.dev/reference/views/modal-views (view object fields)
export const MODAL = { title: 24, submit: 24, close: 24, privateMetadata: 3000, callbackId: 255, externalId: 255 } as const;

// https://docs.slack.dev/reference/methods/chat.postMessage ("msg_too_long"): the top-level
// text is limited to 40,000 characters.
export const MAX_MESSAGE_TEXT = 40_000;

/** Block types, and where each may appear (https://docs.slack.dev/reference/block-kit/blocks). */
export const BLOCK_SURFACES: Record<string, readonly Surface[]> = {
  actions: ["message", "modal", "home"],
  context: ["message", "modal", "home"],
  divider: ["message", "modal", "home"],
  header: ["message", "modal", "home"],
  image: ["message", "modal", "home"],
  rich_text: ["message", "modal", "home"],
  section: ["message", "modal", "home"],
  video: ["message", "modal", "home"],
  // Input blocks collect data in modals and Home tabs; a message has nowhere to submit them
  // (https://docs.slack.dev/surfaces/modals#gathering_input).
  input: ["modal", "home"],
  // File and markdown blocks are for messages only (their reference pages list no other surface).
  file: ["message"],
  markdown: ["message"],
};

/** Interactive elements the actions block takes (https://docs.slack.dev/reference/block-kit/blocks/actions-block). */
export const ACTIONS_ELEMENT_TYPES = new Set([
  "button", "checkboxes", "datepicker", "datetimepicker", "overflow", "radio_buttons", "timepicker", "workflow_button", "rich_text_input",
  "static_select", "external_select", "users_select", "conversations_select", "channels_select",
  "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select",
]);

/** Elements an input block takes (https://docs.slack.dev/reference/block-kit/blocks/input-block). */
export const INPUT_ELEMENT_TYPES = new Set([
  "checkboxes", "datepicker", "datetimepicker", "email_text_input", "file_input", "number_input", "plain_text_input", "radio_buttons",
  "rich_text_input", "timepicker", "url_text_input",
  "static_select", "external_select", "users_select", "conversations_select", "channels_select",
  "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select",
]);

/** Elements a section's accessory takes (https://docs.slack.dev/reference/block-kit/blocks/section-block). */
export const ACCESSORY_TYPES = new Set([
  "button", "checkboxes", "datepicker", "image", "overflow", "radio_buttons", "timepicker", "workflow_button",
  "static_select", "external_select", "users_select", "conversations_select", "channels_select",
  "multi_static_select", "multi_external_select", "multi_users_select", "multi_conversations_select", "multi_channels_select",
]);
