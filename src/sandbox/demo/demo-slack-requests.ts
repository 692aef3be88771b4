// The requests Slack sends an app, in the shapes of test/fixtures/slack — a slash command's form,
// interactivity's `payload=` form field, the Events API envelope — signed with the app's signing
// secret exactly as Slack signs them, and posted to the bot's /slack/events.
import { slackSignature } from "../../http/slack-signature.js";

export interface SandboxTeam {
  id: string;
  name: string;
  domain: string;
}

export interface BotAnswer {
  status: number;
  /** The bot's acknowledgement: parsed JSON, the raw text, or undefined for an empty body. */
  body: unknown;
}

export interface Person {
  id: string;
  name: string;
}

// No real app id exists in the sandbox; nothing checks it, but Slack always sends one.
const APP_ID = "A0SANDBOX1";

export function createSlackSender(options: { botUrl: string; signingSecret: string; team: SandboxTeam }) {
  const endpoint = `${options.botUrl.replace(/\/+$/, "")}/slack/events`;
  const { team } = options;
  const user = (person: Person) => ({ id: person.id, username: person.name, name: person.name, team_id: team.id });

  async function post(body: string, contentType: string): Promise<BotAnswer> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const headers = { "content-type": contentType, "x-slack-request-timestamp": timestamp, "x-slack-signature": slackSignature(options.signingSecret, timestamp, body) };
    const response = await fetch(endpoint, { method: "POST", headers, body });
    const text = await response.text();
    try {
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    } catch {
      return { status: response.status, body: text };
    }
  }

  const interaction = (payload: Record<string, unknown>) => {
    const body = { token: "sandbox", team: { id: team.id, domain: team.domain }, api_app_id: APP_ID, ...payload };
    return post(new URLSearchParams({ payload: JSON.stringify(body) }).toString(), "application/x-www-form-urlencoded");
  };

  return {
    user,

    /** `text` is everything after the command, Slack-encoded as the person's client sends it. */
    command(fields: { person: Person; channel: { id: string; name: string }; command: string; text: string; responseUrl: string; triggerId: string }) {
      const form = new URLSearchParams({
        token: "sandbox",
        team_id: team.id,
        team_domain: team.domain,
        channel_id: fields.channel.id,
        channel_name: fields.channel.name,
        user_id: fields.person.id,
        user_name: fields.person.name,
        command: fields.command,
        text: fields.text,
        api_app_id: APP_ID,
        is_enterprise_install: "false",
        response_url: fields.responseUrl,
        trigger_id: fields.triggerId,
      });
      return post(form.toString(), "application/x-www-form-urlencoded");
    },

    blockAction(fields: { person: Person; channel: { id: string; name: string }; messageTs: string; message: unknown; action: Record<string, unknown>; triggerId: string; responseUrl: string }) {
      return interaction({
        type: "block_actions",
        user: user(fields.person),
        container: { type: "message", message_ts: fields.messageTs, channel_id: fields.channel.id, is_ephemeral: fields.message === undefined },
        trigger_id: fields.triggerId,
        channel: fields.channel,
        // Slack leaves the message out when the click was on an ephemeral one.
        ...(fields.message !== undefined && { message: fields.message }),
        state: { values: {} },
        response_url: fields.responseUrl,
        actions: [fields.action],
      });
    },

    /**
     * A click in the person's App Home: the view is the container, with no channel, message or
     * response_url, which Slack sends only for clicks on messages
     * (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload, "source").
     */
    homeBlockAction(fields: { person: Person; view: { id: string } & Record<string, unknown>; action: Record<string, unknown>; triggerId: string }) {
      return interaction({
        type: "block_actions",
        user: user(fields.person),
        container: { type: "view", view_id: fields.view.id },
        trigger_id: fields.triggerId,
        view: fields.view,
        state: { values: {} },
        actions: [fields.action],
      });
    },

    messageShortcut(fields: { person: Person; channel: { id: string; name: string }; callbackId: string; message: { ts: string }; triggerId: string; responseUrl: string }) {
      return interaction({
        type: "message_action",
        callback_id: fields.callbackId,
        trigger_id: fields.triggerId,
        response_url: fields.responseUrl,
        channel: fields.channel,
        user: { id: fields.person.id, name: fields.person.name },
        message: fields.message,
        message_ts: fields.message.ts,
      });
    },

    viewSubmission(fields: { person: Person; view: Record<string, unknown>; values: Record<string, unknown>; triggerId: string }) {
      return interaction({ type: "view_submission", user: user(fields.person), trigger_id: fields.triggerId, view: { ...fields.view, state: { values: fields.values } } });
    },

    /** Someone typing into an external_select in a modal: Slack asks the app for options. */
    blockSuggestion(fields: { person: Person; view: Record<string, unknown>; actionId: string; blockId: string; value: string }) {
      return interaction({
        type: "block_suggestion",
        user: user(fields.person),
        container: { type: "view", view_id: fields.view.id },
        action_id: fields.actionId,
        block_id: fields.blockId,
        value: fields.value,
        view: fields.view,
      });
    },

    viewClosed(fields: { person: Person; view: Record<string, unknown> }) {
      return interaction({ type: "view_closed", user: user(fields.person), view: fields.view, is_cleared: false });
    },

    event(fields: { eventId: string; botUserId: string; event: Record<string, unknown> }) {
      const envelope = {
        token: "sandbox",
        team_id: team.id,
        api_app_id: APP_ID,
        event: fields.event,
        type: "event_callback",
        authorizations: [{ team_id: team.id, user_id: fields.botUserId, is_bot: true, is_enterprise_install: false }],
        event_id: fields.eventId,
        event_time: Math.floor(Date.now() / 1000),
      };
      return post(JSON.stringify(envelope), "application/json");
    },
  };
}

export type SlackSender = ReturnType<typeof createSlackSender>;

/** The interactive element a click came from, with what Slack repeats of it in block_actions. */
export function blockAction(blocks: unknown[], click: { actionId: string; blockId?: string | undefined; value?: string | undefined; selectedOption?: unknown }, actionTs: string) {
  for (const block of blocks as { block_id?: string; elements?: unknown[]; accessory?: unknown }[]) {
    if (click.blockId && block.block_id && block.block_id !== click.blockId) continue;
    type Element = { type?: string; action_id?: string; text?: unknown; value?: string; style?: string; placeholder?: unknown };
    for (const element of [...(block.elements ?? []), block.accessory] as (Element | undefined)[]) {
      if (element?.action_id !== click.actionId) continue;
      const blockId = block.block_id ?? click.blockId ?? "";
      if (click.selectedOption !== undefined) {
        return { type: element.type ?? "static_select", action_id: click.actionId, block_id: blockId, selected_option: click.selectedOption, placeholder: element.placeholder, action_ts: actionTs };
      }
      const style = element.style !== undefined ? { style: element.style } : {};
      return { type: "button", action_id: click.actionId, block_id: blockId, text: element.text, value: click.value ?? element.value, ...style, action_ts: actionTs };
    }
  }
  return undefined;
}
