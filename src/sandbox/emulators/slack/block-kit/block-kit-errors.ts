// How Slack answers a payload that breaks Block Kit's rules. Messages methods answer
// `invalid_blocks` with the problems twice, in `errors` and (prefixed "[ERROR] ") in
// `response_metadata.messages`; views methods answer `invalid_arguments` with the messages only.
// Both shapes as Slack returned them to public bug reports, e.g. chat.postMessage:
//   {"ok":false,"error":"invalid_blocks","errors":["must be less than 3001 characters [json-pointer:/blocks/0/text/text]"],
//    "response_metadata":{"messages":["[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]"]}}
// and views.open: {"ok":false,"error":"invalid_arguments","response_metadata":{"messages":
//   ["[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"]}}
// (https://docs.slack.dev/reference/methods/chat.postMessage#errors, "invalid_blocks").
import type { BlockKitIssue } from "./validate-blocks.js";

const line = (issue: BlockKitIssue) => `${issue.message} [json-pointer:${issue.pointer}]`;

export function invalidBlocks(issues: BlockKitIssue[]) {
  const errors = issues.map(line);
  return { ok: false as const, error: "invalid_blocks", errors, response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } };
}

export function invalidArguments(issues: BlockKitIssue[]) {
  return { ok: false as const, error: "invalid_arguments", response_metadata: { messages: issues.map((i) => `[ERROR] ${line(i)}`) } };
}
