// A channel's history as Slack lists it: each message with its author, time, blocks or text,
// reactions and the actions that appear on hover; ephemeral answers in among them, by time,
// marked "Only visible to you".
import { h, renderBlocks } from "./blocks.js";
import { emojify, escapeHtml, mrkdwn } from "./mrkdwn.js";

export const MESSAGE_SHORTCUTS = [
  { callbackId: "declare_incident_from_message", name: "Declare incident" },
  { callbackId: "add_to_timeline_from_message", name: "Add to timeline" },
];

export function initials(name) {
  const words = String(name ?? "?").split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? "?") + (words[1]?.[0] ?? "")).toUpperCase();
}

export function clock(ts) {
  const date = new Date(Number(String(ts).split(".")[0]) * 1000);
  return date.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
}

/**
 * `ctx`: { lookup, me, author(userId) → { name, bot }, click(element, block, item),
 * choose(element, block, option, item), react(message, name, add), shortcut(message, callbackId),
 * dismiss(ephemeral) }, where `item` is { channel, ts } of the message clicked in.
 */
export function renderHistory(channel, ephemerals, ctx) {
  // As in Slack, a reply sits in its thread, not in the channel: under its parent, folded behind
  // "N replies" (a step's plan details, a threaded update). A reply whose parent is gone shows inline.
  const isReply = (m) => m.thread_ts && m.thread_ts !== m.ts && channel.messages.some((p) => p.ts === m.thread_ts);
  const repliesTo = (parent) => channel.messages.filter((m) => isReply(m) && m.thread_ts === parent.ts);
  const items = [
    ...channel.messages.filter((m) => !isReply(m)).map((message) => ({ ts: message.ts, node: () => messageNode(channel, message, ctx, repliesTo(message)) })),
    ...ephemerals.map((ephemeral) => ({ ts: ephemeral.message_ts, node: () => ephemeralNode(ephemeral, ctx) })),
  ].sort((a, b) => compareTs(a.ts, b.ts));
  if (items.length === 0) return [h("div", { class: "empty-channel" }, `This is the very beginning of #${channel.name}.`)];
  return items.map((item) => item.node());
}

function compareTs(a, b) {
  const [as, au = "0"] = a.split(".");
  const [bs, bu = "0"] = b.split(".");
  return Number(as) - Number(bs) || Number(au) - Number(bu);
}

function content(message, item, ctx) {
  if (message.blocks?.length) {
    return renderBlocks(message.blocks, {
      lookup: ctx.lookup,
      click: (element, block) => ctx.click(element, block, item),
      choose: (element, block, option) => ctx.choose(element, block, option, item),
    });
  }
  return h("div", { class: "message-text", html: mrkdwn(message.text, ctx.lookup) });
}

function header(author, ts, extras = []) {
  return h(
    "div",
    { class: "message-meta" },
    h("span", { class: "message-author" }, author.name),
    author.bot ? h("span", { class: "app-badge" }, "APP") : null,
    h("time", { class: "message-time", title: ts }, clock(ts)),
    extras,
  );
}

function messageNode(channel, message, ctx, replies = []) {
  const author = ctx.author(message.user);
  const item = { channel: channel.id, ts: message.ts };
  const pinned = (message.reactions ?? []).find((r) => r.name === "pushpin");
  const minePin = Boolean(pinned?.users?.includes(ctx.me));
  const menu = h(
    "div",
    { class: "message-menu", hidden: true, "data-testid": "message-menu" },
    MESSAGE_SHORTCUTS.map((s) => h("button", { type: "button", class: "menu-item", "data-testid": `shortcut-${s.callbackId}`, onclick: () => {
      menu.hidden = true;
      ctx.shortcut(message, s.callbackId);
    } }, s.name)),
  );
  const hover = h(
    "div",
    { class: "hover-actions" },
    h("button", { type: "button", class: `hover-button${minePin ? " active" : ""}`, title: minePin ? "Remove 📌" : "React with 📌 (adds it to the timeline)", "data-testid": "pin-toggle", onclick: () => ctx.react(message, "pushpin", !minePin) }, "📌"),
    h("button", { type: "button", class: "hover-button", title: "More actions", "data-testid": "more-actions", onclick: () => (menu.hidden = !menu.hidden) }, "⋯"),
    menu,
  );
  const reactions = (message.reactions ?? []).length
    ? h("div", { class: "reactions" }, message.reactions.map((r) => {
        const mine = Boolean(r.users?.includes(ctx.me));
        const who = (r.users ?? []).map((u) => ctx.author(u).name).join(", ");
        return h("button", { type: "button", class: `reaction${mine ? " mine" : ""}`, title: who, "data-testid": `reaction-${r.name}`, onclick: () => ctx.react(message, r.name, !mine), html: `${emojify(`:${escapeHtml(r.name)}:`)} <span class="count">${r.count}</span>` });
      }))
    : null;
  const extras = [
    message.pinned ? h("span", { class: "pinned-label", "data-testid": "pinned" }, "📌 Pinned") : null,
    message.edited ? h("span", { class: "edited" }, "(edited)") : null,
    message.thread_ts && message.thread_ts !== message.ts ? h("span", { class: "thread-label" }, "↳ in thread") : null,
  ];
  return h(
    "div",
    { class: `message${message.pinned ? " is-pinned" : ""}`, "data-testid": "message", "data-ts": message.ts },
    h("div", { class: `avatar${author.bot ? " bot" : ""}` }, initials(author.name)),
    h(
      "div",
      { class: "message-body" },
      header(author, message.ts, extras),
      content(message, item, ctx),
      reactions,
      replies.length > 0
        ? h("details", { class: "thread", "data-testid": "thread" }, h("summary", { class: "thread-summary" }, `💬 ${replies.length} ${replies.length === 1 ? "reply" : "replies"}`), replies.map((reply) => messageNode(channel, reply, ctx)))
        : null,
    ),
    hover,
  );
}

function ephemeralNode(ephemeral, ctx) {
  const author = ctx.author(ctx.botUserId);
  const item = { channel: ephemeral.channel, ts: ephemeral.message_ts };
  return h(
    "div",
    { class: "message ephemeral", "data-testid": "ephemeral", "data-ts": ephemeral.message_ts },
    h("div", { class: "avatar bot" }, initials(author.name)),
    h(
      "div",
      { class: "message-body" },
      h("div", { class: "ephemeral-note" }, "👁 Only visible to you"),
      header(author, ephemeral.message_ts),
      content({ text: ephemeral.text ?? "", blocks: ephemeral.blocks }, item, ctx),
      h("button", { type: "button", class: "link-button", "data-testid": "dismiss", onclick: () => ctx.dismiss(ephemeral) }, "Dismiss message"),
    ),
  );
}
