import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, settings } from "../../src/kernel/config.js";
import { postmortemNorms } from "../../src/domain/postmortem-norms.js";

const slack = { SLACK_BOT_TOKEN: "xoxb-1-abc", SLACK_SIGNING_SECRET: "8f742231b10e8888abcd99yyyzzz85a5" };

function problems(env: Record<string, string>, require: ("slack" | "pagerduty")[] = ["slack"]): string[] {
  try {
    loadConfig(env, { require });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.setting);
    throw error;
  }
  return [];
}

describe("configuration", () => {
  it("uses the embedded database and safe defaults when only Slack is set", () => {
    const config = loadConfig(slack, { require: ["slack"] });
    expect(config).toMatchObject({
      port: 3000,
      timezone: "UTC",
      database: { kind: "pglite", dataDir: "./.firebreak" },
      slack: { botToken: "xoxb-1-abc", apiUrl: "https://slack.com/api/" },
    });
    expect(config.pagerduty).toBeUndefined();
    expect(config.datadog).toBeUndefined();
    expect(config.github).toBeUndefined();
  });

  it("names every missing Slack setting when serve needs Slack", () => {
    expect(problems({})).toEqual(["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]);
  });

  it("lists every problem at once, with what to set", () => {
    try {
      loadConfig({ PORT: "http", FIREBREAK_TIMEZONE: "Mars/Olympus", PAGERDUTY_TOKEN: "pd-token-1", DATABASE_URL: "mysql://x" }, { require: ["slack"] });
      expect.unreachable();
    } catch (error) {
      const message = (error as ConfigError).message;
      expect(message).toMatch(/^Firebreak cannot start: 7 settings need attention:/);
      for (const name of ["PORT", "FIREBREAK_TIMEZONE", "DATABASE_URL", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "PAGERDUTY_FROM_EMAIL", "PAGERDUTY_WEBHOOK_SECRETS"]) {
        expect(message).toContain(name);
      }
      expect(message).toContain("is required because PAGERDUTY_TOKEN is set");
      expect(message).not.toContain("pd-token-1");
    }
  });

  it("turns an integration on only when all its settings are present — none half-works", () => {
    expect(problems({ ...slack, DATADOG_API_KEY: "k" })).toEqual(["DATADOG_APP_KEY", "DATADOG_WEBHOOK_SECRET"]);
    expect(problems({ ...slack, GITHUB_TOKEN: "ghp_x" })).toEqual(["POSTMORTEM_REPO"]);
    const config = loadConfig({
      ...slack,
      PAGERDUTY_TOKEN: "pd",
      PAGERDUTY_FROM_EMAIL: "oncall@example.com",
      PAGERDUTY_WEBHOOK_SECRETS: "old-secret, new-secret",
      GITHUB_TOKEN: "ghp_x",
      POSTMORTEM_REPO: "acme/postmortems",
    });
    expect(config.pagerduty?.webhookSecrets).toEqual(["old-secret", "new-secret"]);
    expect(config.github).toMatchObject({ owner: "acme", repo: "postmortems", baseBranch: "main" });
  });

  it("turns the Statuspage sync on with a key and a page id, its key kept out of logs and messages", () => {
    expect(problems({ ...slack, STATUSPAGE_API_KEY: "sp-key-123456" })).toEqual(["STATUSPAGE_PAGE_ID"]);
    expect(problems({ ...slack, STATUSPAGE_PAGE_ID: "gytm4qzbx9t6", STATUSPAGE_API_KEY: "k", STATUSPAGE_API_URL: "ftp://x" })).toEqual(["STATUSPAGE_API_URL"]);
    const config = loadConfig({ ...slack, STATUSPAGE_API_KEY: "sp-key-123456", STATUSPAGE_PAGE_ID: "gytm4qzbx9t6" });
    expect(config.statuspage).toEqual({ apiKey: "sp-key-123456", pageId: "gytm4qzbx9t6", apiUrl: "https://api.statuspage.io/v1" });
    expect(config.secrets).toContain("sp-key-123456");
    expect(loadConfig(slack).statuspage).toBeUndefined();
  });

  it("treats empty values as unset", () => {
    expect(problems({ ...slack, PAGERDUTY_TOKEN: "", DATABASE_URL: " " })).toEqual([]);
  });

  it("collects every secret, including a database password, for log scrubbing", () => {
    const config = loadConfig({ ...slack, DATABASE_URL: "postgres://fb:s3cr3t-pw@db:5432/fb" });
    expect(config.secrets).toEqual(expect.arrayContaining(["xoxb-1-abc", "8f742231b10e8888abcd99yyyzzz85a5", "s3cr3t-pw"]));
  });

  it("reports firebreak.yaml problems with file:line:col", () => {
    const files: Record<string, string> = {
      "good.yaml": "services:\n  api:\n    group_within_minutes: 30\n",
      "typo.yaml": "services:\n  api:\n    group_within_minutse: 30\n",
      "broken.yaml": "services: [\n",
    };
    const readFile = (p: string) => files[p] ?? (() => { throw Object.assign(new Error("nope"), { code: "ENOENT" }); })();
    expect(loadConfig({ ...slack, FIREBREAK_CONFIG: "good.yaml" }, { readFile }).file.services.api?.group_within_minutes).toBe(30);
    expect(() => loadConfig({ ...slack, FIREBREAK_CONFIG: "typo.yaml" }, { readFile })).toThrow(/typo\.yaml:3:5: .*group_within_minutse/);
    expect(() => loadConfig({ ...slack, FIREBREAK_CONFIG: "broken.yaml" }, { readFile })).toThrow(/broken\.yaml:\d+:\d+: /);
    expect(() => loadConfig({ ...slack, FIREBREAK_CONFIG: "missing.yaml" }, { readFile })).toThrow(/cannot read missing\.yaml \(ENOENT\)/);
  });

  it("takes DATABASE_POOL_MAX as a whole number of connections, 1 or more", () => {
    const pg = { ...slack, DATABASE_URL: "postgres://fb@db:5432/fb" };
    expect(loadConfig({ ...pg, DATABASE_POOL_MAX: "4" }).database).toEqual({ kind: "pg", url: "postgres://fb@db:5432/fb", poolMax: 4 });
    expect(loadConfig(pg).database).toEqual({ kind: "pg", url: "postgres://fb@db:5432/fb" });
    for (const bad of ["0", "2.5", "ten", "-1"]) {
      expect(() => loadConfig({ ...pg, DATABASE_POOL_MAX: bad })).toThrow(/DATABASE_POOL_MAX=.* (must be at least 1|is not a whole number); set it to the most connections/);
    }
  });

  it("is documented: every setting appears in .env.example and README.md", () => {
    const example = readFileSync(".env.example", "utf8");
    const readme = readFileSync("README.md", "utf8");
    for (const name of Object.keys(settings)) {
      expect(example, `.env.example documents ${name}`).toMatch(new RegExp(`^#? ?${name}=`, "m"));
      expect(readme, `README documents ${name}`).toContain(`\`${name}\``);
    }
  });
});

describe("README", () => {
  it("never echoes the user or password of an invalid URL setting", () => {
    const env = {
      ...slack,
      SLACK_API_URL: "https://slack-user:slack-secret-pw@slack example.com/api/",
      PAGERDUTY_API_URL: "ftp://pd-user:pd-secret-pw@pd.example.com",
      DATADOG_API_URL: "https://dd-user:dd-secret-pw@",
      GITHUB_API_URL: "gh-user:gh-secret-pw@github.example.com",
      DATABASE_URL: "mysql://db-user:db-secret-pw@db.example.com/app",
    };
    let message = "";
    try {
      loadConfig(env, { require: ["slack"] });
    } catch (error) {
      message = (error as ConfigError).message;
    }
    for (const name of ["SLACK_API_URL", "PAGERDUTY_API_URL", "DATADOG_API_URL", "GITHUB_API_URL", "DATABASE_URL"]) expect(message).toContain(`${name}=`);
    for (const part of ["slack-user", "slack-secret-pw", "pd-user", "pd-secret-pw", "dd-user", "dd-secret-pw", "gh-user", "gh-secret-pw", "db-user", "db-secret-pw"]) {
      expect(message).not.toContain(part);
    }
    // What is left still points the operator at the value to fix.
    expect(message).toContain('SLACK_API_URL="https://(credentials hidden)@slack example.com/api/"');
  });

  it("shows the Datadog payload template exactly as Firebreak parses it", async () => {
    const { DATADOG_WEBHOOK_TEMPLATE } = await import("../../src/sources/datadog.js");
    expect(readFileSync("README.md", "utf8")).toContain(DATADOG_WEBHOOK_TEMPLATE);
  });
});

describe("firebreak.yaml targets", () => {
  const yaml = [
    "approver_groups:",
    "  dba: { usergroup: S0DBA, users: [U0ALICE] }",
    "peak_hours:",
    "  windows: [{ days: [mon, tue, wed, thu, fri], from: '09:00', to: '18:00' }]",
    "blast_radius: { kubernetes.rollout_restart: 50 }",
    "targets:",
    "  postgres:",
    "    orders-db: { url_env: ORDERS_DB_URL }",
    "  kubernetes:",
    "    prod-east: { kubeconfig: /etc/kube/east, context: east }",
    "  traffic:",
    "    edge: { kind: http, url: 'https://traffic.internal/shift', allowed_hosts: [traffic.internal], token_env: EDGE_TOKEN }",
  ].join("\n");
  const readFile = () => yaml;

  it("resolves credentials from the variables the file names, and scrubs them from logs", () => {
    const config = loadConfig({ ...slack, FIREBREAK_CONFIG: "f.yaml", ORDERS_DB_URL: "postgres://app:orders-pw@db/orders", EDGE_TOKEN: "edge-token-1" }, { readFile });
    expect(config.targetSecrets).toEqual({ postgres: { "orders-db": { url: "postgres://app:orders-pw@db/orders" } }, trafficTokens: { edge: "edge-token-1" } });
    expect(config.secrets).toEqual(expect.arrayContaining(["orders-pw", "edge-token-1"]));
    expect(config.file.blast_radius["kubernetes.rollout_restart"]).toBe(50);
  });

  it("names a target's missing credentials variable", () => {
    try {
      loadConfig({ ...slack, FIREBREAK_CONFIG: "f.yaml" }, { readFile });
      expect.unreachable();
    } catch (error) {
      expect((error as ConfigError).problems.map((p) => p.setting)).toEqual(["ORDERS_DB_URL", "EDGE_TOKEN"]);
      expect((error as ConfigError).message).toContain('ORDERS_DB_URL is required by the postgres target "orders-db"');
    }
  });
});

describe("firebreak.yaml retention_days", () => {
  const withFile = (text: string) => loadConfig({ ...slack, FIREBREAK_CONFIG: "/etc/firebreak.yaml" }, { require: ["slack"], readFile: () => text });

  it("keeps deliveries and finished jobs 30 days unless told otherwise", () => {
    expect(loadConfig(slack, { require: ["slack"] }).file.retention_days).toBe(30);
    expect(withFile("retention_days: 7\n").file.retention_days).toBe(7);
  });

  it("refuses fewer than 3 days, which PagerDuty's 48 hours of retries could outlast", () => {
    expect(() => withFile("retention_days: 2\n")).toThrow(/retention_days: must be at least 3: PagerDuty retries a delivery for up to 48 hours/);
  });
});

describe("firebreak.yaml approver groups", () => {
  const withFile = (text: string) => loadConfig({ ...slack, FIREBREAK_CONFIG: "/etc/firebreak.yaml" }, { require: ["slack"], readFile: () => text });

  it("take the incident's responders alone or mixed with users", () => {
    expect(withFile("approver_groups:\n  oncall: { responders: true }\n  sre: { users: [U0SRE], responders: true }\n").file.approver_groups).toEqual({ oncall: { responders: true }, sre: { users: ["U0SRE"], responders: true } });
  });

  it("refuse a group that names nobody", () => {
    expect(() => withFile("approver_groups:\n  oncall: { responders: false }\n")).toThrow(/list a usergroup, users, responders: true, or a mix/);
  });
});

describe("firebreak.yaml postmortem_norms", () => {
  const withFile = (text: string) => loadConfig({ ...slack, FIREBREAK_CONFIG: "/etc/firebreak.yaml" }, { require: ["slack"], readFile: () => text });

  it("overrides the norms it names and keeps the defaults for the rest", () => {
    const file = withFile("postmortem_norms:\n  identify_minutes: { SEV1: 45 }\n  approval_wait_minutes: 10\n").file;
    expect(postmortemNorms(file.postmortem_norms)).toMatchObject({ identifyMinutes: { SEV1: 45, SEV2: 60 }, approvalWaitMinutes: 10, mitigateMinutes: { SEV1: 60 } });
    expect(postmortemNorms(loadConfig(slack, { require: ["slack"] }).file.postmortem_norms).identifyMinutes).toEqual({ SEV1: 30, SEV2: 60, SEV3: 240, SEV4: 1440 });
  });

  it("refuses a severity it does not know, so a typo cannot silently keep the default", () => {
    expect(() => withFile("postmortem_norms:\n  identify_minutes: { SEV0: 5 }\n")).toThrow(/SEV0/);
  });
});
