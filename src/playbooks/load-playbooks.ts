// Playbooks for serve: all of them valid, or none. A server that started with a broken playbook
// would discover it in the middle of an incident, when nobody has time to fix YAML.
import { formatSourceProblem } from "../kernel/yaml-source.js";
import type { ActionRegistry } from "./action-registry.js";
import { checkPlaybookFiles } from "./check-playbooks.js";
import type { Playbook } from "../domain/playbook-schema.js";

/** The playbooks in `dir`; throws an Error listing every problem as file:line:col: message. */
export function loadPlaybooks(
  dir: string,
  registry: ActionRegistry,
  readFile?: (path: string) => string,
  listDirectory?: (path: string) => string[] | undefined,
): Playbook[] {
  const { playbooks, problems } = checkPlaybookFiles([dir], registry, readFile, listDirectory);
  if (problems.length > 0) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    throw new Error(`the playbooks in ${dir} have ${count}; fix them and start again:\n    ${problems.map(formatSourceProblem).join("\n    ")}`);
  }
  return playbooks.map(({ playbook }) => playbook);
}
