// Slack's length limits on the text Firebreak sends, and clipping that respects them. Slack counts
// characters of the text as sent — escaped mrkdwn, so "&" is the five characters of "&amp;" — and
// counts a character as one code point (its validator's "must be less than 3001 characters" is
// JSON Schema's maxLength). A clip therefore escapes first, counts code points, and never cuts
// through a surrogate pair, an escape entity (&am…) or a mention or link (<@U…).
import { escapeMrkdwn } from "./mrkdwn.js";

// https://docs.slack.dev/reference/block-kit/blocks/section-block: text ≤ 3000, each field ≤ 2000.
export const SECTION_TEXT = 3000;
export const SECTION_FIELD = 2000;
// https://docs.slack.dev/reference/block-kit/blocks/header-block
export const HEADER_TEXT = 150;
// https://docs.slack.dev/reference/block-kit/composition-objects/option-object
export const OPTION_TEXT = 75;
// https://docs.slack.dev/reference/block-kit/blocks/input-block
export const INPUT_LABEL = 2000;
// https://docs.slack.dev/reference/methods/chat.postMessage: top-level text over 40,000 is msg_too_long.
export const MESSAGE_TEXT = 40_000;

/** Characters as Slack counts them: code points. */
export const slackLength = (text: string) => [...text].length;

const ELLIPSIS = "…";

/** Plain text of at most `max` characters, ending in "…" when cut. */
export function clipPlain(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}${ELLIPSIS}`;
}

/** Already-escaped mrkdwn of at most `max` characters, ending in "…" when cut. */
export function clipMrkdwn(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const cut = chars.slice(0, max - 1).join("").replace(/<[^>]*$/, "").replace(/&[a-z]*$/, "");
  return `${cut}${ELLIPSIS}`;
}

/** Outside text, escaped for mrkdwn and then clipped to `max` characters of the escaped text. */
export const escapeAndClip = (text: string, max: number) => clipMrkdwn(escapeMrkdwn(text), max);
