// Text as Slack carries it: message and command text arrive with &, < and > escaped
// (https://docs.slack.dev/messaging/formatting-message-text#escaping); the record keeps what people wrote.
export const slackTextToPlain = (text: string) => text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
