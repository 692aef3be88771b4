// Each person's display name, stored the first time Firebreak sees them, so what is exported or
// published later (firebreak postmortem, the GitHub file) names people without asking Slack.
import type { IncidentDeps } from "./deps.js";

type Deps = Pick<IncidentDeps, "store" | "chat" | "now">;

/** Slack user ids in a message's markup: <@U123> and <@U123|name>. */
export function mentionedUserIds(text: string): string[] {
  return [...text.matchAll(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g)].map((m) => m[1]!);
}

/** Asks Slack (users.info) for those not stored yet; someone Slack does not know stays unnamed. */
export async function rememberPeople(deps: Deps, userIds: readonly string[]): Promise<void> {
  const wanted = [...new Set(userIds)].filter((id) => /^[UW][A-Z0-9]+$/.test(id));
  const known = await deps.store.people.names(wanted);
  for (const id of wanted.filter((id) => !(id in known))) {
    const name = await deps.chat.userName(id);
    if (name) await deps.store.people.remember(id, name, deps.now());
  }
}
