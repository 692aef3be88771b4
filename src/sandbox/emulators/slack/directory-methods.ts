// auth.test, users.* and usergroups.*: who is who in the workspace.
import { z } from "zod";
import { count, fail, flag, method, ok, paginate, type MethodHandler } from "./method-kit.js";
import { userGroupShape, userShape } from "./slack-shapes.js";

export const directoryMethods: Record<string, MethodHandler> = {
  "auth.test": method(z.object({}), ({ workspace }) => {
    const bot = workspace.users.get(workspace.bot.userId)!;
    return ok({
      url: `https://${workspace.team.domain}.slack.com/`,
      team: workspace.team.name,
      user: bot.name,
      team_id: workspace.team.id,
      user_id: bot.id,
      bot_id: workspace.bot.botId,
      is_enterprise_install: false,
    });
  }),

  "users.info": method(z.object({ user: z.string().optional() }), ({ workspace }, args) => {
    const user = args.user ? workspace.users.get(args.user) : undefined;
    if (!user) return fail("user_not_found");
    return ok({ user: userShape(workspace, user) });
  }),

  "users.lookupByEmail": method(z.object({ email: z.string().optional() }), ({ workspace }, args) => {
    const email = args.email?.toLowerCase();
    const user = email ? [...workspace.users.values()].find((u) => u.email?.toLowerCase() === email) : undefined;
    if (!user) return fail("users_not_found");
    return ok({ user: userShape(workspace, user) });
  }),

  "users.list": method(z.object({ cursor: z.string().optional(), limit: count.optional() }), ({ workspace }, args) => {
    const { page, response_metadata } = paginate([...workspace.users.values()], args, 200);
    return ok({ members: page.map((u) => userShape(workspace, u)), cache_ts: Math.floor(workspace.nowMs() / 1000), response_metadata });
  }),

  "usergroups.list": method(z.object({ include_users: flag.optional() }), ({ workspace }, args) =>
    ok({ usergroups: [...workspace.userGroups.values()].map((g) => userGroupShape(workspace, g, args.include_users ?? false)) }),
  ),

  "usergroups.users.list": method(z.object({ usergroup: z.string().optional() }), ({ workspace }, args) => {
    const group = args.usergroup ? workspace.userGroups.get(args.usergroup) : undefined;
    if (!group) return fail("no_such_subteam");
    return ok({ users: [...group.users] });
  }),

  // Replaces a group's members: `users` (required) is "a comma separated string of encoded user
  // IDs that represent the entire list of users" (https://api.slack.com/methods/usergroups.users.update).
  "usergroups.users.update": method(z.object({ usergroup: z.string().optional(), users: z.string().optional() }), ({ workspace }, args) => {
    const group = args.usergroup ? workspace.userGroups.get(args.usergroup) : undefined;
    if (!group) return fail("no_such_subteam");
    const users = (args.users ?? "").split(",").map((u) => u.trim()).filter(Boolean);
    if (users.length === 0) return fail("invalid_users");
    if (users.some((u) => !workspace.users.has(u))) return fail("invalid_users");
    group.users = [...new Set(users)];
    return ok({ usergroup: userGroupShape(workspace, group, true) });
  }),
};
