// The sandbox draws emoji shortcodes as Slack does; one missing from its table shows as text
// (":thread: Details in thread"). Every shortcode Firebreak's own source writes into a message,
// a button or a bookmark must be in the table, so the next one cannot be missed.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// A browser module, imported by path so the type checker leaves its plain JavaScript alone.
const MODULE = "../../src/sandbox/demo/web/mrkdwn.js";
const { EMOJI, mrkdwn } = (await import(MODULE)) as { EMOJI: Record<string, string>; mrkdwn: (text: string) => string };

/**
 * A shortcode as text shows it: ":name:" standing alone in a string (after a space, a quote, a
 * backtick, "(" or an interpolation), so keys such as "pagerduty:note:…", "file:line:col" and
 * clock times such as 9:05:40 are not taken for one.
 */
const SHORTCODE = /(?:^|(?<=[\s"'`(}])):([a-z0-9_+-]+):(?=[\s"'`]|$)/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "sandbox" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

describe("the sandbox's emoji", () => {
  const used = new Map<string, string>();
  for (const file of sourceFiles("src")) for (const match of readFileSync(file, "utf8").matchAll(SHORTCODE)) used.set(match[1]!, file);

  it("finds the shortcodes Firebreak writes", () => {
    // The scan itself works: these are known to be written by the step message and the header.
    expect([...used.keys()]).toEqual(expect.arrayContaining(["thread", "white_check_mark", "rotating_light", "hourglass_flowing_sand"]));
    expect(used.has("line")).toBe(false);
  });

  it("draws every shortcode Firebreak writes", () => {
    const missing = [...used].filter(([name]) => !(name in EMOJI)).map(([name, file]) => `:${name}: (${file})`);
    expect(missing).toEqual([]);
  });

  it("draws :thread: as an emoji, not as text", () => {
    expect(mrkdwn(":thread: Details in thread")).toContain("🧵");
    expect(mrkdwn(":thread: Details in thread")).not.toContain(":thread:");
  });
});
