// compose.yaml against the Compose Specification's own JSON Schema (vendored, see
// test/fixtures/README.md), and against Firebreak's runtime contract.
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { settings } from "../../src/kernel/config.js";

// The schema names draft-07 by its https address, which Ajv (draft-07 by default) does not know by that name.
const { $schema: _draft, ...schema } = JSON.parse(readFileSync("test/fixtures/schemas/compose-spec.json", "utf8")) as Record<string, unknown>;
const compose = parse(readFileSync("compose.yaml", "utf8")) as {
  services: Record<string, {
    image?: string; env_file?: string | ({ path: string } | string)[]; environment?: Record<string, string>; ports?: string[];
    deploy?: { replicas?: number }; depends_on?: Record<string, { condition: string }>; volumes?: string[]; healthcheck?: object;
  }>;
  volumes?: Record<string, unknown>;
};

describe("compose.yaml", () => {
  it("is valid against the Compose Specification", () => {
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    expect(validate(compose), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("runs two Firebreak replicas on the PostgreSQL service, configured from .env", () => {
    const firebreak = compose.services.firebreak!;
    expect(firebreak.deploy?.replicas).toBe(2);
    expect([firebreak.env_file ?? []].flat().map((f) => (typeof f === "string" ? f : f.path))).toEqual([".env"]);
    expect(firebreak.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\/firebreak$/);
    expect(firebreak.depends_on?.postgres?.condition).toBe("service_healthy");
    // Every variable set here is one Firebreak reads.
    for (const name of Object.keys(firebreak.environment ?? {})) expect(Object.keys(settings)).toContain(name);
    expect(firebreak.environment?.PORT).toBe("3000");
    expect(firebreak.ports?.every((p) => p.endsWith(":3000"))).toBe(true);
  });

  it("keeps PostgreSQL 15's data on a named volume", () => {
    const postgres = compose.services.postgres!;
    expect(postgres.image).toMatch(/^postgres:15(\D|$)/);
    const mount = postgres.volumes?.find((v) => v.endsWith(":/var/lib/postgresql/data"));
    expect(mount).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(mount!.split(":")[0]);
    expect(postgres.healthcheck).toBeDefined();
  });
});
