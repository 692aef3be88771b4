// A modal view as views.open, views.push and views.update check it
// (https://docs.slack.dev/reference/views/modal-views): the fields' limits, its blocks as a modal
// surface, and a submit button whenever it holds an input block.
import { MODAL, type Surface } from "./limits.js";
import { IssueCollector, validateBlocks, type BlockKitIssue } from "./validate-blocks.js";

export function validateView(view: unknown, pointer = "/view"): BlockKitIssue[] {
  const c = new IssueCollector();
  if (typeof view !== "object" || view === null || Array.isArray(view)) {
    c.add(pointer, "must provide an object");
    return c.issues;
  }
  const v = view as Record<string, unknown>;
  if (v.type !== "modal" && v.type !== "home") {
    c.add(`${pointer}/type`, "must be one of modal, home");
    return c.issues;
  }
  const surface: Surface = v.type;
  if (surface === "modal") {
    c.text(v.title, `${pointer}/title`, MODAL.title, { required: true, plainOnly: true });
    c.text(v.submit, `${pointer}/submit`, MODAL.submit, { plainOnly: true });
    c.text(v.close, `${pointer}/close`, MODAL.close, { plainOnly: true });
    const hasInput = Array.isArray(v.blocks) && v.blocks.some((b) => (b as { type?: unknown } | null)?.type === "input");
    // "submit ... Required if an input block is within the blocks array."
    if (hasInput && v.submit === undefined) c.add(`${pointer}/submit`, "missing required field");
  }
  c.string(v.private_metadata, `${pointer}/private_metadata`, MODAL.privateMetadata);
  c.string(v.callback_id, `${pointer}/callback_id`, MODAL.callbackId);
  c.string(v.external_id, `${pointer}/external_id`, MODAL.externalId);
  if (v.blocks === undefined) c.add(`${pointer}/blocks`, "missing required field");
  validateBlocks(v.blocks ?? [], surface, `${pointer}/blocks`, c);
  return c.issues;
}
