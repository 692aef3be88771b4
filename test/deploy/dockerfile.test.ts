// The image's properties, read from the Dockerfile itself: no Docker engine is needed. What the
// image installs is proven by test/e2e/packed-release.test.ts, which runs the same script.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

interface Instruction {
  stage: number;
  keyword: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped (https://docs.docker.com/reference/dockerfile/#format). */
function parseDockerfile(text: string): Instruction[] {
  const joined = text
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .join("\n")
    .replace(/\\\n/g, " ");
  let stage = -1;
  const instructions: Instruction[] = [];
  for (const line of joined.split("\n")) {
    const match = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const keyword = match[1]!.toUpperCase();
    if (keyword === "FROM") stage += 1;
    instructions.push({ stage, keyword, args: match[2]!.trim() });
  }
  return instructions;
}

const instructions = parseDockerfile(readFileSync("Dockerfile", "utf8"));
const finalStage = Math.max(...instructions.map((i) => i.stage));
const final = instructions.filter((i) => i.stage === finalStage);
const last = (keyword: string) => final.filter((i) => i.keyword === keyword).at(-1);

describe("Dockerfile", () => {
  it("builds on node:20-bookworm-slim in every stage", () => {
    const base = instructions.find((i) => i.keyword === "ARG" && i.args.startsWith("NODE_IMAGE="))?.args.split("=")[1];
    expect(base).toBe("node:20-bookworm-slim");
    const froms = instructions.filter((i) => i.keyword === "FROM");
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.args).toMatch(/^\$\{NODE_IMAGE\}(\s|$)/);
  });

  it("installs the packed release with the script the release test runs", () => {
    const e2e = readFileSync("test/e2e/packed-release.test.ts", "utf8");
    expect(e2e).toContain('"scripts/install-release.sh"');
    const runs = final.filter((i) => i.keyword === "RUN").map((i) => i.args);
    expect(runs.some((r) => /^sh \/release\/install-release\.sh \/release\/firebreak-\*\.tgz /.test(r))).toBe(true);
    const build = instructions.filter((i) => i.stage < finalStage);
    expect(build.some((i) => i.keyword === "RUN" && i.args.includes("npm pack") && i.args.includes("scripts/install-release.sh"))).toBe(true);
  });

  it("runs as a non-root user, under tini, so SIGTERM reaches Firebreak", () => {
    const user = last("USER")!.args;
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(Number(user.split(":")[0])).toBeGreaterThan(0);
    expect(final.some((i) => i.keyword === "RUN" && /apt-get install .*\btini\b/.test(i.args))).toBe(true);
    const entrypoint = JSON.parse(last("ENTRYPOINT")!.args) as string[];
    expect(entrypoint.slice(0, 2)).toEqual(["/usr/bin/tini", "--"]);
    expect(entrypoint).toContain("/app/bin/firebreak.js");
    expect(JSON.parse(last("CMD")!.args)).toEqual(["serve"]);
  });

  it("keeps the embedded database on a volume named by FIREBREAK_DATA_DIR", () => {
    const env = final.filter((i) => i.keyword === "ENV").map((i) => i.args).join(" ");
    const dataDir = /FIREBREAK_DATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBeDefined();
    expect(JSON.parse(last("VOLUME")!.args)).toEqual([dataDir]);
    expect(env).toMatch(/\bPORT=3000\b/);
    expect(last("EXPOSE")!.args).toBe("3000");
  });

  it("checks health on /healthz with node, since the slim image has no curl", () => {
    const healthcheck = last("HEALTHCHECK")!.args;
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf("CMD") + 3).trim()) as string[];
    expect(command[0]).toBe("node");
    expect(command.join(" ")).toContain("/healthz");
    expect(command.join(" ")).not.toMatch(/curl|wget/);
  });

  it("carries OCI labels", () => {
    const labels = final.filter((i) => i.keyword === "LABEL").map((i) => i.args).join(" ");
    for (const key of ["title", "description", "licenses", "version"]) expect(labels).toContain(`org.opencontainers.image.${key}=`);
  });

  it("keeps secrets, local data and dependencies out of the build context", () => {
    const ignored = readFileSync(".dockerignore", "utf8").split("\n").map((l) => l.trim());
    for (const entry of [".env", "node_modules", ".firebreak", "dist", ".git"]) expect(ignored).toContain(entry);
  });
});
