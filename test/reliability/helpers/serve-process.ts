// `firebreak serve` as a child process this suite can SIGKILL: the only honest way to test what
// a killed process leaves behind.
import { onTestFailed } from "vitest";
import { spawnCli, type CliProcess } from "../../helpers/cli-process.js";
import { freePort } from "../../helpers/postgres-server.js";

export interface Served {
  base: string;
  cli: CliProcess;
}

const children = new Set<CliProcess>();
const spawned: CliProcess[] = [];

/** Starts `serve` on a free port; resolves when its output matches `ready` (by default: its database is open and migrated). */
export async function serve(env: Record<string, string>, ready: RegExp = /database ready/): Promise<Served> {
  const port = await freePort();
  const cli = spawnCli(["serve"], { LOG_LEVEL: "info", ...env, PORT: String(port) });
  children.add(cli);
  spawned.push(cli);
  void cli.exited.then(() => children.delete(cli));
  await cli.waitFor(ready, 30_000);
  return { base: `http://127.0.0.1:${port}`, cli };
}

export const isAlive = (cli: CliProcess) => cli.child.exitCode === null && cli.child.signalCode === null;

export async function kill(cli: CliProcess): Promise<void> {
  if (isAlive(cli)) cli.child.kill("SIGKILL");
  await cli.exited;
}

/** For afterAll: no child outlives its test file. */
export async function killAll(): Promise<void> {
  await Promise.all([...children].map(kill));
}

/** Everything every `serve` started by this file has written, dead ones included. */
export const outputs = (): string[] => spawned.map((cli) => cli.output());

/** Call inside a test: on failure, prints the log lines of every `serve` so far that match. */
export function printLogsOnFailure(pattern: RegExp): void {
  onTestFailed(() => {
    const lines = spawned.flatMap((cli, n) => cli.output().split("\n").filter((line) => pattern.test(line)).map((line) => `[serve ${n + 1}] ${line.slice(0, 400)}`));
    console.error(lines.slice(-40).join("\n"));
  });
}
