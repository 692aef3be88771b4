// What `/incident help` (and any command Firebreak does not understand) answers.
import { INCIDENT_COMMAND } from "../surface.js";

export const COMMAND = INCIDENT_COMMAND.command;

export const subcommands: { usage: string; what: string }[] = [
  { usage: "declare [title]", what: "declare an incident: opens a form for title, severity, services and description" },
  { usage: "playbook [all]", what: "list the playbooks for this incident (or all of them) and run one" },
  { usage: "help", what: "show this help" },
];

export function helpText(problem?: string): string {
  const lines = subcommands.map((s) => `• \`${COMMAND} ${s.usage}\` — ${s.what}`);
  const intro = problem ? `${problem}\n\n` : "";
  return `${intro}*Firebreak commands*\n${lines.join("\n")}\n\nYou can also use the *Declare incident* shortcut on any message.`;
}
