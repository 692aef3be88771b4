// The one rule for who sees a private incident, which App Home, catch-ups, commands naming an id
// and any public status output all apply.
import { describe, expect, it } from "vitest";
import { privateIncidentRefusal, publiclyVisible, visibleTo } from "../../src/domain/visibility.js";

describe("visibleTo", () => {
  it("shows a public incident to everyone, a private one only to its channel's members", () => {
    expect(visibleTo({ private: false, declaredBy: "U1" }, "U9", [])).toBe(true);
    expect(visibleTo({ declaredBy: null }, "U9", [])).toBe(true);
    expect(visibleTo({ private: true, declaredBy: "U1" }, "U9", ["U1", "U2"])).toBe(false);
    expect(visibleTo({ private: true, declaredBy: "U1" }, "U2", ["U1", "U2"])).toBe(true);
  });

  it("shows a private incident whose channel is not made yet to whoever declared it, and nobody else", () => {
    expect(visibleTo({ private: true, declaredBy: "U1" }, "U1", [])).toBe(true);
    expect(visibleTo({ private: true, declaredBy: null }, "U1", [])).toBe(false);
  });

  it("keeps private incidents out of anything public, and tells a non-member nothing but that", () => {
    expect(publiclyVisible({ private: true })).toBe(false);
    expect(publiclyVisible({ private: false })).toBe(true);
    expect(privateIncidentRefusal({ id: 7 })).toBe("INC-7 is private; ask its commander to invite you.");
  });
});
