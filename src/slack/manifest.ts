// The Slack app manifest (https://docs.slack.dev/reference/app-manifest), generated from the
// lists in surface.ts. Paste it into "Create New App → From an app manifest".
import { botEvents, botScopes, commands, messageShortcuts } from "../views/slack/slack-surface.js";

export function slackManifest(options: { baseUrl: string; socketMode: boolean; name?: string }): Record<string, unknown> {
  const requestUrl = `${options.baseUrl.replace(/\/+$/, "")}/slack/events`;
  const url = options.socketMode ? {} : { url: requestUrl };
  return {
    display_information: {
      name: options.name ?? "Firebreak",
      description: "Incident response: channels from pages, approval-gated playbooks, a timeline and the post-mortem.",
      background_color: "#b3261e",
    },
    features: {
      // Answers that cannot be shown in a channel come as a DM, in the app's Messages tab; read-only,
      // since Firebreak reads no DMs (https://docs.slack.dev/reference/app-manifest, features.app_home).
      // The Home tab lists open incidents and what waits on the person (views.publish, on app_home_opened).
      app_home: { home_tab_enabled: true, messages_tab_enabled: true, messages_tab_read_only_enabled: true },
      bot_user: { display_name: options.name ?? "Firebreak", always_online: true },
      slash_commands: commands.map((c) => ({ command: c.command, description: c.description, usage_hint: c.usageHint, should_escape: true, ...url })),
      shortcuts: messageShortcuts.map((s) => ({ name: s.name, type: "message", callback_id: s.callbackId, description: s.description })),
    },
    oauth_config: { scopes: { bot: botScopes() } },
    settings: {
      ...(botEvents.length > 0 && { event_subscriptions: { ...(!options.socketMode && { request_url: requestUrl }), bot_events: [...botEvents] } }),
      // message_menu_options_url: where Slack asks for external_select options (the escalate target menu).
      interactivity: { is_enabled: true, ...(!options.socketMode && { request_url: requestUrl, message_menu_options_url: requestUrl }) },
      org_deploy_enabled: false,
      socket_mode_enabled: options.socketMode,
      token_rotation_enabled: false,
    },
  };
}
