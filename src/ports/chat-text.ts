// Text as Slack carries it: message and command text arrive with &, < and > escaped
// (https://docs.slack.dev/messaging/formatting-message-text#escaping); the record keeps what people wrote.
export const slackTextToPlain = (text: string) => text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

/** Slack ts values are strings ("1700000000.000100"); never parse them as floats. */
export function slackTsToDate(ts: string): Date {
  const [seconds = "0", micros = "0"] = ts.split(".");
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micros.padEnd(6, "0").slice(0, 6)) / 1000));
}
