// Records rendered in the shapes Slack's Web API documents (see
// test/fixtures/slack/web-api/conversations.create.200.ok.json and users.lookupByEmail.200.ok.json).
import type { ChannelRecord, UserGroupRecord, UserRecord, Workspace } from "./workspace-state.js";

export function channelShape(workspace: Workspace, channel: ChannelRecord, extra: { numMembers?: boolean } = {}): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    name_normalized: channel.name,
    created: channel.created,
    creator: channel.creator,
    // Private channels created since 2021 have C ids and is_channel true; is_group is legacy.
    is_channel: true,
    is_group: false,
    is_im: false,
    is_mpim: false,
    is_private: channel.isPrivate,
    is_archived: channel.isArchived,
    is_general: false,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    is_member: channel.members.includes(workspace.bot.userId),
    unlinked: 0,
    priority: 0,
    topic: { ...channel.topic },
    purpose: { ...channel.purpose },
    previous_names: [...channel.previousNames],
    ...(extra.numMembers && { num_members: channel.members.length }),
  };
}

export function userShape(workspace: Workspace, user: UserRecord): Record<string, unknown> {
  const profile: Record<string, unknown> = {
    real_name: user.realName,
    real_name_normalized: user.realName,
    display_name: user.isBot ? "" : user.name,
    display_name_normalized: user.isBot ? "" : user.name,
    status_text: "",
    status_emoji: "",
    team: workspace.team.id,
    ...(user.email !== undefined && { email: user.email }),
    ...(user.botId !== undefined && { bot_id: user.botId }),
  };
  return {
    id: user.id,
    team_id: workspace.team.id,
    name: user.name,
    deleted: false,
    real_name: user.realName,
    color: "9f69e7",
    ...timeZoneFields(user.tz, workspace.nowMs()),
    has_2fa: false,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: 0,
    profile,
  };
}

export function userGroupShape(workspace: Workspace, group: UserGroupRecord, includeUsers: boolean): Record<string, unknown> {
  return {
    id: group.id,
    team_id: workspace.team.id,
    is_usergroup: true,
    name: group.name,
    handle: group.handle,
    description: "",
    user_count: group.users.length,
    ...(includeUsers && { users: [...group.users] }),
  };
}

/** Slack's tz, tz_label ("Pacific Daylight Time") and tz_offset (seconds east of UTC) at `atMs`. */
function timeZoneFields(tz: string, atMs: number): { tz: string; tz_label: string; tz_offset: number } {
  const at = new Date(atMs);
  const part = (timeZoneName: "long" | "longOffset") =>
    new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName }).formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "";
  const offset = /GMT([+-])(\d{2}):(\d{2})/.exec(part("longOffset"));
  const seconds = offset ? (offset[1] === "-" ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60) : 0;
  return { tz, tz_label: part("long"), tz_offset: seconds };
}
