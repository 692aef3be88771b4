// Who is in an approver group now: firebreak.yaml `users` and the Slack user group's members.
import { describe, expect, it } from "vitest";
import { currentEligibleSet, groupMembers, groupsNow, type GroupDeps } from "../../src/playbooks/engine/approver-set.js";
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

  describe("oncall, the incident's responders", () => {
    // What open-channel records when it invites PagerDuty's on-call, and a role given later.
    const invited: Record<number, string[]> = { 7: ["UALEX", "UDEV"] };
    const roles: Record<number, { userId: string; name: string }[]> = { 7: [{ userId: "USCRIBE", name: "scribe" }] };
    const store: NonNullable<GroupDeps["store"]> = {
      timeline: { findBySourceKey: async (incidentId, key) => (key === "slack:responders-invited" && invited[incidentId] ? ({ data: { invited: invited[incidentId] } } as never) : undefined) },
      lifecycle: { roles: async (incidentId) => (roles[incidentId] ?? []) as never },
    };

    it("is built in: those invited when the channel opened and the role holders, of that incident only", async () => {
      const withStore = { ...deps, file: { approver_groups: {} }, store };
      expect((await groupMembers(withStore, "oncall", 7)).sort()).toEqual(["UALEX", "UDEV", "USCRIBE"]);
      expect(await groupMembers(withStore, "oncall", 8)).toEqual([]);
      expect(await groupsNow(withStore, "UDEV", ["oncall"], 7)).toEqual(["oncall"]);
      expect(await groupsNow(withStore, "UDEV", ["oncall"], 8)).toEqual([]);
    });

    it("can be redefined in firebreak.yaml, and responders: true mixes with users", async () => {
      const redefined = { ...deps, store, file: { approver_groups: { oncall: { users: ["UONCALL"] }, sre: { users: ["USRE"], responders: true } } } };
      expect(await groupMembers(redefined, "oncall", 7)).toEqual(["UONCALL"]);
      expect((await groupMembers(redefined, "sre", 7)).sort()).toEqual(["UALEX", "UDEV", "USCRIBE", "USRE"]);
    });
  });
});
