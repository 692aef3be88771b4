// Clipping by Slack's own measure: characters of the escaped text, counted as code points.
import { describe, expect, test } from "vitest";
import { clipMrkdwn, clipPlain, escapeAndClip, slackLength } from "../../src/views/slack/text-limits.js";

describe("clipping text for Slack", () => {
  test("escapes first, then counts the escaped characters", () => {
    expect(escapeAndClip("a&b", 7)).toBe("a&amp;b");
    // "a&amp;b" is 7 characters; 6 leave room for 5 and the ellipsis, and "&amp;" would be cut: drop it whole.
    expect(escapeAndClip("a&b", 6)).toBe("a…");
    const clipped = escapeAndClip("<>&".repeat(1000), 3000);
    expect(slackLength(clipped)).toBeLessThanOrEqual(3000);
    expect(clipped).toMatch(/;…$/);
  });

  test("never splits a surrogate pair, and counts one as one character", () => {
    expect(clipPlain("🔥".repeat(150), 150)).toBe("🔥".repeat(150));
    const cut = clipPlain("🔥".repeat(151), 150);
    expect(cut).toBe(`${"🔥".repeat(149)}…`);
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  test("never leaves half a mention or link", () => {
    expect(clipMrkdwn("see <https://example.com/a|the runbook> now", 20)).toBe("see …");
  });
});
