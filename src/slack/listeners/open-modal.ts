// Opening a modal whose content needs slow data. Slack's trigger_id expires 3 s after the click
// (https://api.slack.com/docs/triggers), and reading the database or calling
// Slack first can outlast it, so the modal opens at once with what the click carried and is then
// replaced by views.update (https://docs.slack.dev/surfaces/modals#updating_views).
import type { ModalView, View } from "@slack/types";
import type { webApi } from "@slack/bolt";

type Client = InstanceType<typeof webApi.WebClient>;

/** A modal with only a line of text and Close: the placeholder, or what to say when the real one cannot be built. */
export function noticeModal(title: string, text: string): ModalView {
  return {
    type: "modal",
    title: { type: "plain_text", text: title },
    close: { type: "plain_text", text: "Close" },
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}

/**
 * Opens `placeholder` now, then shows what `build` answers: a view, or a sentence to show instead.
 * Nothing but views.open happens before the modal is open.
 */
export async function openThenFill(client: Client, triggerId: string, placeholder: ModalView, build: () => Promise<View | string>): Promise<void> {
  const opened = await client.views.open({ trigger_id: triggerId, view: placeholder });
  const viewId = opened.view?.id;
  if (!viewId) return;
  const built = await build();
  const title = placeholder.title.text;
  const view = typeof built === "string" ? noticeModal(title, built) : built;
  await client.views.update({ view_id: viewId, ...(opened.view?.hash && { hash: opened.view.hash }), view });
}
