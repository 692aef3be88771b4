// Slack mrkdwn treats &, < and > as control characters: escape any text that came from outside.
// https://docs.slack.dev/messaging/formatting-message-text#escaping
export const escapeMrkdwn = (text: string) => text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

export { slackTextToPlain } from "../../ports/chat-text.js";

export const userMention = (userId: string | null | undefined) => (userId ? `<@${userId}>` : "_unassigned_");
export const channelMention = (channelId: string) => `<#${channelId}>`;
export const link = (url: string, label: string) => `<${url}|${escapeMrkdwn(label)}>`;
