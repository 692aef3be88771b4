// The GitHub emulator assigns issues as GitHub does: a collaborator is assigned, a login that
// cannot be assigned is refused with 422 on `assignees` and nothing is opened, and a token without
// push access has its assignees silently dropped (docs.github.com, "Create an issue").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubEmulator, type GithubEmulator } from "../../src/sandbox/emulators/github/github-emulator.js";

let gh: GithubEmulator;
beforeAll(async () => {
  gh = await startGithubEmulator({ token: "ghp_assignees" });
  gh.addRepo("acme", "writable");
  gh.addRepo("acme", "readonly", { push: false });
  gh.addCollaborator("acme/writable", "ada-gh");
});
afterAll(() => gh.close());

const create = (repo: string, assignees: string[]) =>
  fetch(`${gh.url}/repos/acme/${repo}/issues`, { method: "POST", headers: { authorization: "token ghp_assignees", "content-type": "application/json" }, body: JSON.stringify({ title: "Alert on invalid indexes", assignees }) });

describe("issue assignees in the GitHub emulator", () => {
  it("assigns a collaborator (or the owner)", async () => {
    const res = await create("writable", ["ada-gh", "acme"]);
    expect(res.status).toBe(201);
    expect(((await res.json()) as { assignees: { login: string }[] }).assignees.map((a) => a.login)).toEqual(["ada-gh", "acme"]);
  });

  it("refuses a login that cannot be assigned with 422 and opens nothing", async () => {
    const before = gh.issues("acme/writable").length;
    const res = await create("writable", ["ada-gh", "outsider"]);
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ message: "Validation Failed", errors: [{ value: "outsider", resource: "Issue", field: "assignees", code: "invalid" }] });
    expect(gh.issues("acme/writable")).toHaveLength(before);
  });

  it("drops assignees silently when the token cannot push", async () => {
    const res = await create("readonly", ["outsider"]);
    expect(res.status).toBe(201);
    expect(gh.issues("acme/readonly")[0]).toMatchObject({ assignees: [] });
  });
});
