// Who is in an approver group now: firebreak.yaml `users` and the Slack user group's members.
import { describe, expect, it } from "vitest";
import { currentEligibleSet, groupMembers, groupsNow } from "../../src/playbooks/engine/approver-set.js";
import { samplePlaybook } from "../helpers/playbook-fixtures.js";

const slackGroups: Record<string, string[]> = { S0DBA: ["USLACK1", "UYAML"] };
const deps = {
  chat: { userGroupMembers: async (id: string) => slackGroups[id] ?? [] },
  file: { approver_groups: { dba: { usergroup: "S0DBA", users: ["UYAML", "UYAML2"] }, oncall: { users: ["UONCALL"] } } },
};

describe("approver groups", () => {
  it("are the listed users and the Slack user group's members, once each; an undefined group is nobody", async () => {
    expect((await groupMembers(deps, "dba")).sort()).toEqual(["USLACK1", "UYAML", "UYAML2"]);
    expect(await groupMembers(deps, "oncall")).toEqual(["UONCALL"]);
    expect(await groupMembers(deps, "missing")).toEqual([]);
  });

  it("are read again at click time: someone removed from Slack's group is no longer in it", async () => {
    expect(await groupsNow(deps, "USLACK1", ["dba", "oncall"])).toEqual(["dba"]);
    slackGroups.S0DBA = ["UYAML"];
    expect(await groupsNow(deps, "USLACK1", ["dba"])).toEqual([]);
  });

  it("make up the eligible set of a new request, with the commander at that moment", async () => {
    const def = samplePlaybook().steps[1]!; // commander or dba
    slackGroups.S0DBA = ["USLACK2"];
    expect(await currentEligibleSet(deps, def, "UCMD")).toEqual({ commander: "UCMD", users: [], groups: [{ name: "dba", members: ["UYAML", "UYAML2", "USLACK2"] }] });
  });
});
