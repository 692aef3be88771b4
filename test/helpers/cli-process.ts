import { spawn, type ChildProcess } from "node:child_process";
import { freePort } from "./postgres-server.js";

export interface CliProcess {
  child: ChildProcess;
  output(): string;
  /** What the process wrote to stdout alone (its log stream). */
  stdout(): string;
  exited: Promise<number | null>;
  /** Waits until the combined output matches. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

export function spawnCli(args: string[], env: Record<string, string | undefined>): CliProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/run-cli.ts", ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let stdout = "";
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((l) => l());
  };
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    stdout: () => stdout,
    exited,
    waitFor: (pattern, timeoutMs = 20_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(output)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
  };
}

/**
 * Starts `firebreak serve` on a free port and waits until it listens; `cleanup` receives a step
 * that SIGKILLs it if it is still running when the suite ends.
 */
export async function serveCli(env: Record<string, string | undefined>, cleanup: (() => Promise<unknown> | void)[]): Promise<{ cli: CliProcess; base: string }> {
  const port = await freePort();
  const cli = spawnCli(["serve"], { PORT: String(port), LOG_LEVEL: "info", ...env });
  cleanup.push(async () => {
    if (cli.child.exitCode === null) {
      cli.child.kill("SIGKILL");
      await cli.exited;
    }
  });
  await cli.waitFor(/Firebreak listening/, 60_000);
  return { cli, base: `http://127.0.0.1:${port}` };
}
