// Slack mrkdwn treats &, < and > as control characters: escape any text that came from outside.
// https://docs.slack.dev/messaging/formatting-message-text#escaping
export const escapeMrkdwn = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** Slack sends message and command text with &, < and > escaped; the record keeps what people wrote. */
export const slackTextToPlain = (text: string) => text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

export const userMention = (userId: string | null | undefined) => (userId ? `<@${userId}>` : "_unassigned_");
export const channelMention = (channelId: string) => `<#${channelId}>`;
export const link = (url: string, label: string) => `<${url}|${escapeMrkdwn(label)}>`;
