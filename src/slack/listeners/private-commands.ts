// The parts of `/incident` that private incidents change: `declare --private`, naming an incident
// by id from anywhere (`/incident catchup INC-7`), and the open-incident list shown outside an
// incident's channel, which leaves out private incidents the person is not in.
import { catchUp } from "../../incidents/lifecycle/catchup.js";
import { incidentNamedBy, visibleIncidents } from "../../incidents/private-access.js";
import { catchupElsewhere } from "../../views/slack/catchup-view.js";
import type { Reply } from "./lifecycle-commands.js";
import type { AppDeps } from "./slack-deps.js";

const PRIVATE_FLAG = /(?:^|\s)--private(?=\s|$)/i;

/** `declare --private Title`: the title without the flag, and whether it was given. */
export function declareArgs(args: string): { title: string; private: boolean } {
  return { title: args.replace(PRIVATE_FLAG, " ").trim(), private: PRIVATE_FLAG.test(args) };
}

/**
 * `/incident catchup INC-7` (anywhere): that incident's catch-up, or a sentence saying it does not
 * exist or is private. Undefined when no id was given.
 */
export async function catchupById(flows: AppDeps, args: string, userId: string): Promise<Reply | undefined> {
  if (!args.trim()) return undefined;
  const named = await incidentNamedBy(flows, args.trim(), userId);
  if (!named) return { text: `:no_entry_sign: “${args.trim()}” is not an incident id. Use \`/incident catchup INC-7\`, or \`/incident catchup\` in the incident's channel.` };
  if ("refusal" in named) return { text: `:no_entry_sign: ${named.refusal}` };
  return catchUp(flows, named.incident, userId);
}

/** Outside an incident's channel: the open incidents this person may see, and where to run it. */
export async function catchupWhere(flows: AppDeps, userId: string): Promise<string> {
  return catchupElsewhere(await visibleIncidents(flows, await flows.store.incidents.list({ open: true, limit: 10 }), userId));
}
