import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { slackManifest } from "../../src/slack/manifest.js";
import { webApiMethods } from "../../src/views/slack/slack-surface.js";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

describe("Slack app manifest", () => {
  it("is generated from what the code registers, with least-privilege scopes", () => {
    expect(slackManifest({ baseUrl: "https://firebreak.example.com/", socketMode: false })).toMatchSnapshot();
    const socket = slackManifest({ baseUrl: "https://unused", socketMode: true }) as { settings: Record<string, unknown> };
    expect(socket.settings).toMatchObject({ socket_mode_enabled: true, interactivity: { is_enabled: true } });
    expect(JSON.stringify(socket)).not.toContain("request_url");
    // No request URL anywhere, slash commands' included: Slack sends everything over the socket.
    expect(JSON.stringify(socket)).not.toContain("/slack/events");
    expect((socket as unknown as { features: { slash_commands: Record<string, unknown>[] } }).features.slash_commands[0]).not.toHaveProperty("url");
  });

  it("covers every Web API method the code calls, so no call fails for a missing scope", () => {
    const called = new Set<string>();
    for (const file of [...sources("src/adapters"), ...sources("src/slack")]) {
      for (const match of readFileSync(file, "utf8").matchAll(/client\.([a-z]+)\.([a-zA-Z]+)\(/g)) called.add(`${match[1]}.${match[2]}`);
    }
    expect(called.size).toBeGreaterThan(5);
    expect([...called].filter((m) => !(m in webApiMethods))).toEqual([]);
  });
});

describe("firebreak manifest", () => {
  it("prints the manifest for the given URL, and refuses a URL that is not one", async () => {
    const { runCli } = await import("../../src/cli.js");
    const out: string[] = [];
    const err: string[] = [];
    const io = { env: {}, stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) };
    expect(await runCli(["manifest", "--url", "https://fb.acme.io"], io)).toBe(0);
    const manifest = JSON.parse(out.join(""));
    expect(manifest.settings.interactivity.request_url).toBe("https://fb.acme.io/slack/events");
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: "/incident", url: "https://fb.acme.io/slack/events" });
    expect(await runCli(["manifest", "--url", "fb.acme.io"], io)).toBe(2);
    expect(err.join("")).toContain("--url needs the public base URL");
  });
});
