// The sandbox page: a Slack workspace as one person in it sees it. Everything shown comes from
// /api/state; everything done goes through /api/* as the request Slack would send the bot.
import { fetchState, post, watch } from "./api.js";
import { h, renderBlocks } from "./blocks.js";
import { encodeForSlack } from "./composer.js";
import { initials, renderHistory } from "./messages.js";
import { renderModal } from "./modal.js";
import { confirmDialog, renderRepository, toast } from "./panels.js";

const app = {
  state: null,
  me: localStorage.getItem("firebreak-sandbox-user"),
  channel: localStorage.getItem("firebreak-sandbox-channel"),
  drawn: {},
  modalKey: null,
};
const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);

// One fetch at a time; a change announced meanwhile fetches once more afterwards.
let fetching = null;
let again = false;
async function refresh() {
  if (fetching) {
    again = true;
    return fetching;
  }
  fetching = (async () => {
    do {
      again = false;
      try {
        app.state = await fetchState(app.me);
        settle();
        render();
      } catch (error) {
        toast(error.message);
      }
    } while (again);
  })().finally(() => (fetching = null));
  return fetching;
}

/** Picks a user and a channel that exist, on first load or after a reset. */
function settle() {
  const { users, channels } = app.state;
  const people = users.filter((u) => !u.bot && u.role);
  if (!people.some((u) => u.id === app.me)) {
    app.me = people[0]?.id ?? null;
    if (app.me) return refresh();
  }
  if (app.channel !== DM && app.channel !== HOME && !channels.some((c) => c.id === app.channel)) app.channel = (channels.find((c) => c.name === "incidents") ?? channels[0])?.id ?? null;
}

/** The current person's direct messages from Firebreak (nudges, answers sent by DM), shown like a channel. */
const DM = "dm";
/** Firebreak's App Home tab for the current person: the view it last published for them. */
const HOME = "home";
const openedChannel = () => (app.channel === DM ? app.state.dm : app.state.channels.find((c) => c.id === app.channel));

const lookup = {
  user: (id) => app.state?.users.find((u) => u.id === id)?.name,
  channel: (id) => app.state?.channels.find((c) => c.id === id)?.name,
};

function author(id) {
  const user = app.state.users.find((u) => u.id === id);
  if (id === app.state.botUserId) return { name: user?.name || "Firebreak", bot: true };
  return { name: user?.name ?? id, bot: Boolean(user?.bot) };
}

/** Redraws a region only when what it shows changed, so typing, selections and scroll survive. */
function draw(region, key, build) {
  const serialized = JSON.stringify(key);
  if (app.drawn[region] === serialized) return false;
  app.drawn[region] = serialized;
  build();
  return true;
}

function render() {
  const { state } = app;
  const me = state.users.find((u) => u.id === app.me);
  const channel = openedChannel();
  $("team-name").textContent = state.team;
  // Each person's role as Firebreak has it (commander of INC-1, …) and whether they are in the
  // open channel: who can see and answer what there.
  draw("users", [state.users, app.me, channel?.id, channel?.members], () => {
    const where = (u) => (channel ? ` · ${channel.members.includes(u.id) ? "in" : "not in"} #${channel.name}` : "");
    const switcher = $("user-switcher");
    switcher.replaceChildren(...state.users.filter((u) => !u.bot && u.role).map((u) => h("option", { value: u.id, selected: u.id === app.me }, `${u.name} — ${u.role}${where(u)}`)));
    $("me-avatar").textContent = initials(me?.name);
    $("me-name").textContent = me?.name ?? "";
    $("me-role").textContent = me ? `${me.role}${where(me)}` : "";
  });
  draw("channels", [state.channels.map((c) => [c.id, c.name, c.is_archived, c.member]), app.channel], () => {
    $("channel-list").replaceChildren(
      ...state.channels.map((c) =>
        h("li", {}, h("button", { type: "button", class: `channel${c.id === app.channel ? " active" : ""}${c.is_archived ? " archived" : ""}${c.member ? "" : " not-member"}`, "data-testid": `channel-${c.name}`, title: c.is_archived ? "archived" : "", onclick: () => openChannel(c.id) }, h("span", { class: "hash" }, c.is_private ? "🔒" : "#"), c.name)),
      ),
    );
  });
  draw("dms", [state.dm.messages.length, app.channel, app.me], () => {
    const count = state.dm.messages.length;
    $("dm-list").replaceChildren(
      h("li", {}, h("button", { type: "button", class: `channel${app.channel === DM ? " active" : ""}`, "data-testid": "channel-dm", onclick: () => openChannel(DM) }, h("span", { class: "hash" }, "●"), "Firebreak", count > 0 ? h("span", { class: "unread", "data-testid": "dm-count" }, String(count)) : null)),
    );
  });
  $("channel-home").classList.toggle("active", app.channel === HOME);
  if (app.channel === HOME) renderHome(state.home);
  else if (channel) renderChannel(channel);
  draw("repository", [state.repository, state.repositoryError], () => $("repository-body").replaceChildren(...renderRepository(state.repository, state.repositoryError)));
  renderModalFor(state.modal);
}

function renderChannel(channel) {
  const ephemerals = app.state.ephemerals.filter((e) => e.channel === channel.id);
  $("channel-title").textContent = channel.is_dm ? channel.name : `# ${channel.name}`;
  $("channel-topic").textContent = channel.is_archived ? "This channel has been archived." : channel.topic || "";
  const composer = $("composer");
  // Firebreak reads no DMs: its commands are typed in a channel.
  composer.placeholder = channel.is_archived ? "You are viewing an archived channel" : channel.is_dm ? "Firebreak does not read DMs; type /incident commands in a channel" : `Message #${channel.name}`;
  composer.disabled = channel.is_archived || channel.is_dm;
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const redrawn = draw("messages", [channel, ephemerals, app.state.users, app.me], () => {
    list.replaceChildren(
      ...renderHistory(channel, ephemerals, { lookup, me: app.me, botUserId: app.state.botUserId, author, click, choose, react, shortcut, dismiss }),
    );
  });
  if (redrawn && atBottom) list.scrollTop = list.scrollHeight;
}

// Drawn with the same Block Kit renderer as messages; its buttons send block_actions with the
// view as their container (demo-sandbox-api.ts's homeAction), as Slack does for a Home tab.
function renderHome(view) {
  $("channel-title").textContent = "Firebreak · Home";
  $("channel-topic").textContent = "What Firebreak published for you: open incidents, your roles, approvals waiting on you";
  const composer = $("composer");
  composer.placeholder = "The Home tab takes no messages; type /incident commands in a channel";
  composer.disabled = true;
  draw("messages", ["home", app.me, view, app.state.users], () => {
    const body = view
      ? renderBlocks(view.blocks, { lookup, click: homeClick, choose: () => toast("Menus on Home are not drawn in the sandbox.") })
      : h("div", { class: "home-empty" }, "Opening Home…");
    $("messages").replaceChildren(h("div", { class: "home", "data-testid": "home" }, body));
  });
}

async function homeClick(element, block) {
  if (element.confirm && !(await confirmDialog(element.confirm, lookup))) return;
  if (element.url) window.open(element.url, "_blank", "noopener");
  await act("home-action", { user: app.me, actionId: element.action_id, blockId: block.block_id, value: element.value });
}

/** Opening Home sends app_home_opened for whoever the switcher says you are; Firebreak publishes. */
const openHome = () => act("home-opened", { user: app.me });

function renderModalFor(view) {
  const key = view ? `${view.id}:${view.hash}` : null;
  if (key === app.modalKey) return;
  app.modalKey = key;
  $("modal-root").replaceChildren();
  if (!view) return;
  const viewId = view.id;
  $("modal-root").append(
    renderModal(view, {
      lookup,
      options: async (element, block, value) => (await post("options", { user: app.me, viewId, actionId: element.action_id, blockId: block.block_id, value })).options,
      submit: async (values) => {
        const answer = await post("view-submit", { user: app.me, viewId, values });
        if (!answer.errors) await refresh();
        return answer.errors ?? {};
      },
      cancel: async () => {
        await post("view-close", { user: app.me, viewId });
        await refresh();
      },
    }),
  );
}

function openChannel(id) {
  app.channel = id;
  localStorage.setItem("firebreak-sandbox-channel", id);
  render();
  if (id === HOME) void openHome();
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

/** Runs an action, telling the person if the sandbox refused it. */
async function act(path, body) {
  try {
    const answer = await post(path, body);
    if (answer.status && answer.status >= 400) toast(`Firebreak answered ${answer.status}; see its log.`);
    return answer;
  } catch (error) {
    toast(error.message);
    return undefined;
  } finally {
    void refresh();
  }
}

async function click(element, block, item) {
  if (element.confirm && !(await confirmDialog(element.confirm, lookup))) return;
  if (element.url) window.open(element.url, "_blank", "noopener");
  await act("action", { user: app.me, channel: item.channel, messageTs: item.ts, actionId: element.action_id, blockId: block.block_id, value: element.value });
}

async function choose(element, block, option, item) {
  if (element.confirm && !(await confirmDialog(element.confirm, lookup))) return;
  await act("action", { user: app.me, channel: item.channel, messageTs: item.ts, actionId: element.action_id, blockId: block.block_id, selectedOption: { text: option.text, value: option.value } });
}

const react = (message, name, add) => act("reaction", { user: app.me, channel: app.channel, ts: message.ts, name, add });
const shortcut = (message, callbackId) => act("shortcut", { user: app.me, channel: app.channel, messageTs: message.ts, callbackId });
const dismiss = (ephemeral) => act("dismiss", { user: app.me, ts: ephemeral.message_ts });

async function send() {
  const composer = $("composer");
  const typed = composer.value.trim();
  if (!typed || !app.channel) return;
  composer.value = "";
  const people = app.state.users.filter((u) => !u.bot);
  const text = encodeForSlack(typed, people, app.state.channels);
  await act(typed.startsWith("/") ? "command" : "message", { user: app.me, channel: app.channel, text });
}

function start() {
  $("composer").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void send();
    }
  });
  $("send").addEventListener("click", () => void send());
  $("channel-home").addEventListener("click", () => openChannel(HOME));
  if (app.channel === HOME && app.me) void openHome();
  $("user-switcher").addEventListener("change", (event) => {
    app.me = event.target.value;
    localStorage.setItem("firebreak-sandbox-user", app.me);
    app.drawn = {};
    app.modalKey = null;
    void refresh();
    if (app.channel === HOME) void openHome();
  });
  $("page-me").addEventListener("click", async (event) => {
    event.currentTarget.disabled = true;
    await act("page");
    toast("Paged: “API is degraded — DB CPU at 100%”. Watch for the incident channel.");
    $("page-me").disabled = false;
  });
  // Close an open "⋯" menu when clicking anywhere else.
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-testid=more-actions], [data-testid=message-menu]")) return;
    document.querySelectorAll("[data-testid=message-menu]").forEach((menu) => (menu.hidden = true));
  });
  watch(() => void refresh());
}

start();
