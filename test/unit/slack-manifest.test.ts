import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { slackManifest } from "../../src/slack/manifest.js";
import { webApiMethods } from "../../src/slack/surface.js";

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
