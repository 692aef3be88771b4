// Everything Firebreak registers with Slack, in one place: listeners register from these lists
// and `firebreak manifest` is generated from them, so the app's configuration cannot drift.
export const INCIDENT_COMMAND = { command: "/incident", description: "Declare and run incidents", usageHint: "declare | status | severity | commander | note | update | timeline | resolve | help" } as const;

export const DECLARE_SHORTCUT = { callbackId: "declare_incident_from_message", name: "Declare incident", description: "Declare an incident from this message" } as const;

export const ADD_TO_TIMELINE_SHORTCUT = { callbackId: "add_to_timeline_from_message", name: "Add to timeline", description: "Add this message to the incident timeline" } as const;

export const commands = [INCIDENT_COMMAND] as const;
export const messageShortcuts = [DECLARE_SHORTCUT, ADD_TO_TIMELINE_SHORTCUT] as const;
/** Events API subscriptions (bot events). */
export const botEvents: readonly string[] = ["reaction_added", "reaction_removed", "member_joined_channel", "member_left_channel", "app_home_opened"];

/** Every Web API method Firebreak calls, with the bot scope it needs (least privilege). */
export const webApiMethods: Record<string, string[]> = {
  "auth.test": [],
  // Private incidents use private channels, which take the groups:* twin of each channels:* scope
  // (https://docs.slack.dev/reference/methods/conversations.create, "Required scopes").
  "conversations.create": ["channels:manage", "groups:write"],
  "conversations.invite": ["channels:manage", "groups:write"],
  "conversations.list": ["channels:read", "groups:read"],
  "conversations.members": ["channels:read", "groups:read"],
  "conversations.history": ["channels:history", "groups:history"],
  "chat.postMessage": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.getPermalink": [],
  "pins.add": ["pins:write"],
  "users.lookupByEmail": ["users:read", "users:read.email"],
  "views.open": [],
  "views.update": [],
  "views.publish": [],
  "usergroups.users.list": ["usergroups:read"],
  "conversations.replies": ["channels:history", "groups:history"],
  "conversations.rename": ["channels:manage", "groups:write"],
  "conversations.archive": ["channels:manage", "groups:write"],
  "reactions.get": ["reactions:read"],
  "users.info": ["users:read"],
  "bookmarks.add": ["bookmarks:write"],
  "bookmarks.list": ["bookmarks:read"],
  // The post-mortem chart's PNG (Slack previews no SVG): https://docs.slack.dev/reference/methods/files.getUploadURLExternal
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
};

export function botScopes(): string[] {
  const fromCommands = commands.length > 0 || messageShortcuts.length > 0 ? ["commands"] : [];
  return [...new Set([...fromCommands, ...Object.values(webApiMethods).flat()])].sort();
}
