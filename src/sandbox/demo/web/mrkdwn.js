// Slack's mrkdwn to HTML. Slack text arrives with &, < and > encoded as entities; a raw < only
// opens a control sequence (<@U…>, <#C…>, <!here>, <url|label>). Those sequences and code spans
// are lifted out first, everything else is HTML-escaped, and only then is formatting applied,
// so nothing a person typed can become markup.
// https://docs.slack.dev/messaging/formatting-message-text

/** Every shortcode Firebreak's messages use (test/unit/sandbox-emoji.test.ts keeps it so), and a few people type. */
export const EMOJI = {
  rotating_light: "🚨", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", warning: "⚠️", raised_hand: "✋",
  gear: "⚙️", mag: "🔍", dart: "🎯", eyes: "👀", memo: "📝", mega: "📣", alarm_clock: "⏰", no_entry_sign: "🚫",
  no_entry: "⛔", hourglass: "⌛", hourglass_flowing_sand: "⏳", pushpin: "📌", arrow_forward: "▶️",
  fast_forward: "⏩", rewind: "⏪", leftwards_arrow_with_hook: "↩️", heavy_minus_sign: "➖", white_circle: "⚪",
  clock3: "🕒", fire: "🔥", tada: "🎉", thumbsup: "👍", "+1": "👍", thumbsdown: "👎", "-1": "👎", star: "⭐",
  rocket: "🚀", bulb: "💡", link: "🔗", page_facing_up: "📄", pencil: "✏️", pencil2: "✏️", bell: "🔔",
  red_circle: "🔴", large_green_circle: "🟢", large_yellow_circle: "🟡", information_source: "ℹ️", lock: "🔒",
  wave: "👋", sos: "🆘", construction: "🚧", chart_with_upwards_trend: "📈", arrows_counterclockwise: "🔄",
  thread: "🧵", point_down: "👇", loudspeaker: "📢", handshake: "🤝", bust_in_silhouette: "👤", arrow_double_up: "⏫",
  arrow_double_down: "⏬", pager: "📟", dog: "🐶", telephone_receiver: "📞",
};

const ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&" };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** Slack's three entities back to characters, so they can be escaped once, for HTML. */
export function decodeEntities(text) {
  return String(text).replace(/&(lt|gt|amp);/g, (m) => ENTITIES[m]);
}

export function emojify(html) {
  return html.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}

/** Plain text as Slack shows it: escaped, with emoji shortcodes drawn. */
export function plainText(text) {
  return emojify(escapeHtml(text ?? ""));
}

/**
 * `lookup.user(id)` and `lookup.channel(id)` give display names for mentions; without one the
 * label Slack carries after the | is used, then the id itself.
 */
export function mrkdwn(text, lookup = {}) {
  const held = [];
  const hold = (html) => `\u0001${held.push(html) - 1}\u0002`;

  let source = String(text ?? "");
  // Code blocks first: nothing inside them is formatted.
  source = source.replace(/```([\s\S]*?)```/g, (_, body) => hold(`<pre class="code-block">${escapeHtml(decodeEntities(body.replace(/^\n/, "")))}</pre>`));
  source = source.replace(/`([^`]+)`/g, (_, body) => hold(`<code>${escapeHtml(decodeEntities(body))}</code>`));
  source = source.replace(/<([^<>\n]+)>/g, (_, inner) => hold(controlSequence(inner, lookup)));
  // Slack links a bare URL in a message's text as if it were <url>.
  source = source.replace(/\bhttps?:\/\/[^\s<>\u0001\u0002]+[^\s<>.,;:!?)\u0001\u0002]/g, (url) => hold(controlSequence(url, lookup)));

  let html = escapeHtml(decodeEntities(source));
  html = html
    .replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, "$1<b>$2</b>")
    .replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?!\w)/g, "$1<i>$2</i>")
    .replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, "$1<s>$2</s>")
    .replace(/^&gt; ?(.*)$/gm, '<span class="quote">$1</span>');
  html = emojify(html).replace(/\n/g, "<br>");
  // Held pieces may hold others (a link label with a mention in it is not Slack's, but code in bold is).
  for (let pass = 0; pass < 3 && html.includes("\u0001"); pass++) {
    html = html.replace(/\u0001(\d+)\u0002/g, (_, i) => held[Number(i)]);
  }
  return html;
}

function controlSequence(inner, lookup) {
  const [target, ...rest] = inner.split("|");
  const label = rest.join("|");
  if (target.startsWith("@")) {
    const id = target.slice(1);
    const name = lookup.user?.(id) ?? (label || id);
    return `<span class="mention" data-user="${escapeHtml(id)}">@${escapeHtml(decodeEntities(name))}</span>`;
  }
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const name = lookup.channel?.(id) ?? (label || id);
    return `<span class="mention channel-mention">#${escapeHtml(decodeEntities(name))}</span>`;
  }
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    return `<span class="mention broadcast">@${escapeHtml(label || special)}</span>`;
  }
  const url = decodeEntities(target);
  const safe = /^(https?:|mailto:)/i.test(url) ? url : "#";
  const shown = label ? emojify(escapeHtml(decodeEntities(label))) : escapeHtml(url);
  return `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener noreferrer">${shown}</a>`;
}
