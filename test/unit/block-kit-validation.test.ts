// The emulator's Block Kit rules, checked against the refusals Slack itself published or returned
// (block-kit-errors.ts cites them) and the limits of each block's reference page (limits.ts).
import { describe, expect, test } from "vitest";
import { invalidBlocks } from "../../src/sandbox/emulators/slack/block-kit/block-kit-errors.js";
import { validateBlocks } from "../../src/sandbox/emulators/slack/block-kit/validate-blocks.js";
import { validateView } from "../../src/sandbox/emulators/slack/block-kit/validate-view.js";

const plain = (text: string) => ({ type: "plain_text", text });
const mrkdwn = (text: string) => ({ type: "mrkdwn", text });
const lines = (blocks: unknown, surface: "message" | "modal" | "home" = "message") => validateBlocks(blocks, surface, "/blocks").map((i) => `${i.message} [json-pointer:${i.pointer}]`);

describe("Block Kit validation", () => {
  test("a section of 3,001 characters is refused exactly as Slack refuses it", () => {
    const issues = validateBlocks([{ type: "section", text: mrkdwn("a".repeat(3001)) }], "message", "/blocks");
    expect(invalidBlocks(issues)).toEqual({
      ok: false,
      error: "invalid_blocks",
      errors: ["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
      response_metadata: { messages: ["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"] },
    });
    expect(lines([{ type: "section", text: mrkdwn("a".repeat(3000)) }])).toEqual([]);
  });

  test("counts characters as code points, so surrogate pairs count once", () => {
    expect(lines([{ type: "section", text: mrkdwn("😀".repeat(3000)) }])).toEqual([]);
    expect(lines([{ type: "section", text: mrkdwn(`${"😀".repeat(3000)}!`) }])).toEqual(["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]);
  });

  test("50 blocks in a message and 100 in a modal or home tab", () => {
    const dividers = (n: number) => Array.from({ length: n }, () => ({ type: "divider" }));
    expect(lines(dividers(50))).toEqual([]);
    expect(lines(dividers(51))).toEqual(["no more than 50 items allowed [json-pointer:/blocks]"]);
    expect(lines(dividers(100), "modal")).toEqual([]);
    expect(lines(dividers(101), "home")).toEqual(["no more than 100 items allowed [json-pointer:/blocks]"]);
  });

  test("the documented lengths and counts of sections, headers, context, actions and buttons", () => {
    const button = (over: Record<string, unknown> = {}) => ({ type: "button", text: plain("Go"), action_id: "go", ...over });
    expect(
      lines([
        { type: "section", fields: Array.from({ length: 11 }, () => mrkdwn("f")) },
        { type: "section", fields: [mrkdwn("f".repeat(2001))] },
        { type: "header", text: plain("h".repeat(151)) },
        { type: "header", text: mrkdwn("h") },
        { type: "context", elements: Array.from({ length: 11 }, () => mrkdwn("c")) },
        { type: "actions", elements: Array.from({ length: 26 }, (_, i) => button({ action_id: `a${i}` })) },
        { type: "actions", block_id: "b".repeat(256), elements: [button({ text: plain("t".repeat(76)), value: "v".repeat(2001), url: "u".repeat(3001), action_id: "a".repeat(256) })] },
      ]),
    ).toEqual([
      "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
      "must be less than 2001 characters [json-pointer:/blocks/1/fields/0/text]",
      "must be less than 151 characters [json-pointer:/blocks/2/text/text]",
      "must be plain_text [json-pointer:/blocks/3/text/type]",
      "no more than 10 items allowed [json-pointer:/blocks/4/elements]",
      "no more than 25 items allowed [json-pointer:/blocks/5/elements]",
      "must be less than 256 characters [json-pointer:/blocks/6/block_id]",
      "must be less than 256 characters [json-pointer:/blocks/6/elements/0/action_id]",
      "must be less than 76 characters [json-pointer:/blocks/6/elements/0/text/text]",
      "must be less than 2001 characters [json-pointer:/blocks/6/elements/0/value]",
      "must be less than 3001 characters [json-pointer:/blocks/6/elements/0/url]",
    ]);
  });

  test("options are at most 100 in a select, and block_ids and action_ids are unique", () => {
    const option = (i: number) => ({ text: plain(`o${i}`), value: `${i}` });
    const select = { type: "static_select", action_id: "s", options: Array.from({ length: 101 }, (_, i) => option(i)) };
    expect(
      lines([
        { type: "actions", block_id: "x", elements: [select] },
        { type: "actions", block_id: "x", elements: [{ type: "button", text: plain("A"), action_id: "same" }, { type: "button", text: plain("B"), action_id: "same" }] },
      ]),
    ).toEqual(["no more than 100 items allowed [json-pointer:/blocks/0/elements/0/options]", "duplicate block_id: x [json-pointer:/blocks/1/block_id]", "duplicate action_id: same [json-pointer:/blocks/1/elements/1/action_id]"]);
  });

  test("input blocks belong to modals, not messages; unknown types are refused", () => {
    const input = { type: "input", label: plain("Why"), element: { type: "plain_text_input", action_id: "v" } };
    expect(lines([input])).toEqual(["unsupported type: input is not allowed in messages [json-pointer:/blocks/0/type]"]);
    expect(lines([input], "modal")).toEqual([]);
    expect(lines([{ type: "table" }])).toEqual(["unsupported type: table [json-pointer:/blocks/0/type]"]);
  });

  test("a modal's title, submit, close, private_metadata and callback_id limits", () => {
    const issues = validateView({
      type: "modal",
      title: plain("t".repeat(25)),
      submit: plain("s".repeat(25)),
      close: plain("c".repeat(25)),
      private_metadata: "p".repeat(3001),
      callback_id: "k".repeat(256),
      blocks: [],
    }).map((i) => `${i.message} [json-pointer:${i.pointer}]`);
    // The last as Slack answered views.open with oversized private_metadata.
    expect(issues).toEqual([
      "must be less than 25 characters [json-pointer:/view/title/text]",
      "must be less than 25 characters [json-pointer:/view/submit/text]",
      "must be less than 25 characters [json-pointer:/view/close/text]",
      "must be less than 3001 characters [json-pointer:/view/private_metadata]",
      "must be less than 256 characters [json-pointer:/view/callback_id]",
    ]);
  });
});
