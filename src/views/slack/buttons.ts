// A Block Kit button, optionally behind a confirm dialog (the last check before something acts).
export interface Confirm {
  title: string;
  text: string;
  /** The confirm button's label (default: the button's own). */
  confirmLabel?: string;
}

export function button(text: string, actionId: string, value: string, options: { style?: "primary" | "danger"; confirm?: Confirm } = {}) {
  const plain = (t: string) => ({ type: "plain_text" as const, text: t });
  const { style, confirm } = options;
  return {
    type: "button" as const,
    text: plain(text),
    action_id: actionId,
    value,
    ...(style && { style }),
    ...(confirm && {
      confirm: { title: plain(confirm.title), text: { type: "mrkdwn" as const, text: confirm.text }, confirm: plain(confirm.confirmLabel ?? text), deny: plain("Cancel") },
    }),
  };
}
