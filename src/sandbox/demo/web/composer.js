// What Slack's client does to a message before sending it: &, < and > become entities, and
// "@Name" or "#channel" naming someone or somewhere in the workspace becomes a mention,
// <@U…|name> or <#C…|name>, which is what the bot reads.
// https://docs.slack.dev/messaging/formatting-message-text#escaping

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `users`: [{ id, name }] ("Cora Chen" matches "@Cora Chen", "@Cora" and "@cora"). */
export function encodeForSlack(text, users, channels) {
  let encoded = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const names = users.flatMap((user) => {
    const handle = user.name.split(/\s+/)[0].toLowerCase();
    return [...new Set([user.name, user.name.split(/\s+/)[0]])].map((label) => ({ label, id: user.id, handle }));
  });
  // Longest first, so "@Cora Chen" is not taken as "@Cora" followed by " Chen".
  names.sort((a, b) => b.label.length - a.label.length);
  for (const { label, id, handle } of names) {
    encoded = encoded.replace(new RegExp(`(^|[^\\w<|])@${escapeRegExp(label)}(?![\\w-])`, "gi"), `$1<@${id}|${handle}>`);
  }
  for (const channel of [...channels].sort((a, b) => b.name.length - a.name.length)) {
    encoded = encoded.replace(new RegExp(`(^|[^\\w<|])#${escapeRegExp(channel.name)}(?![\\w-])`, "g"), `$1<#${channel.id}|${channel.name}>`);
  }
  return encoded;
}
