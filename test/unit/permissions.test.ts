// firebreak.yaml `permissions`: the defaults, configured rules, and the refusal sentences.
import { describe, expect, it } from "vitest";
import { configFileSchema } from "../../src/kernel/config-file.js";
import { mayDo, refusal, type Person } from "../../src/domain/permissions.js";

const defaults = configFileSchema.parse({}).permissions;
const person = (userId: string, extra: Partial<Person> = {}): Person => ({ userId, commander: "UCMD", roles: [], groups: [], ...extra });

describe("permissions", () => {
  it("default to anyone running the incident, and the commander and the scribe correcting its timeline", () => {
    for (const key of ["commander", "severity", "status", "resolve", "playbooks"] as const) expect(mayDo(defaults, key, person("UANY"))).toBe(true);
    expect(mayDo(defaults, "timeline", person("UANY"))).toBe(false);
    expect(mayDo(defaults, "timeline", person("UCMD"))).toBe(true);
    expect(mayDo(defaults, "timeline", person("USCRIBE", { roles: ["scribe"] }))).toBe(true);
    expect(refusal(defaults, "timeline", "UCMD", "INC-4")).toBe("Only the incident commander (<@UCMD>) or the scribe may correct the timeline of INC-4.");
  });

  it("follow firebreak.yaml, and the commander may always hand over", () => {
    const strict = configFileSchema.parse({ permissions: { commander: ["commander"], severity: ["commander", { group: "leads" }], resolve: [{ role: "ops" }] } }).permissions;
    expect(strict.status).toEqual(["anyone"]);
    expect(mayDo(strict, "commander", person("UANY"))).toBe(false);
    expect(mayDo(strict, "commander", person("UCMD"))).toBe(true);
    expect(mayDo(strict, "severity", person("ULEAD", { groups: ["leads"] }))).toBe(true);
    expect(mayDo(strict, "resolve", person("UCMD"))).toBe(false);
    expect(refusal(strict, "commander", "UCMD", "INC-4")).toBe("Only the incident commander (<@UCMD>) may hand over command of INC-4.");
    expect(refusal(strict, "severity", null, "INC-4")).toBe("Only the incident commander or members of leads may change the severity of INC-4.");
    expect(refusal(strict, "resolve", "UCMD", "INC-4")).toBe("Only the ops may resolve INC-4.");
  });

  it("are a strict part of firebreak.yaml", () => {
    expect(configFileSchema.safeParse({ permissions: { sevirity: ["anyone"] } }).success).toBe(false);
    expect(configFileSchema.safeParse({ permissions: { severity: ["everyone"] } }).success).toBe(false);
    expect(configFileSchema.safeParse({ permissions: { severity: [] } }).success).toBe(false);
  });
});
