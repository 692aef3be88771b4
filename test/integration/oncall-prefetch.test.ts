// Who is on call is asked of PagerDuty when a page is read, and that answer is used once, by the
// channel job that follows, if it is fresh; an old or used answer is asked for again. Run against
// the PagerDuty and Slack emulators through the real adapters.
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPagerdutyPaging } from "../../src/adapters/pagerduty.js";
import { createSlackChat, createSlackClients } from "../../src/adapters/slack-chat.js";
import { onCallPeople, prefetchOnCall, PREFETCH_TTL_MS } from "../../src/incidents/oncall-prefetch.js";
import { startPagerdutyEmulator, type PagerdutyEmulator } from "../../src/sandbox/emulators/pagerduty/pagerduty-emulator.js";
import { createSlackEmulator, type SlackEmulator } from "../../src/sandbox/emulators/slack/slack-emulator.js";

let pd: PagerdutyEmulator;
let slack: SlackEmulator;
let deps: Parameters<typeof onCallPeople>[0];
let ada: string;
const oncallsAsked = () => pd.calls.filter((c) => c.path === "/oncalls").length;

beforeAll(async () => {
  pd = await startPagerdutyEmulator({ token: "pd-token" });
  pd.addUser({ id: "PFIREBREAK", name: "Firebreak", email: "firebreak@example.com" });
  pd.addUser({ id: "PADA", name: "Ada", email: "ada@example.com" });
  pd.addUser({ id: "PBEN", name: "Ben", email: "ben@example.com" });
  pd.addOnCall({ escalationPolicyId: "PEP1", userId: "PADA" });
  pd.addOnCall({ escalationPolicyId: "PEP1", userId: "PBEN" });
  slack = createSlackEmulator();
  const { url } = await slack.start();
  ada = slack.addUser({ name: "ada", email: "ada@example.com", realName: "Ada" });
  deps = {
    paging: createPagerdutyPaging({ token: "pd-token", fromEmail: "firebreak@example.com", apiUrl: pd.url, webhookSecrets: ["x"] }),
    chat: createSlackChat(createSlackClients(slack.botToken, { apiUrl: url })),
  };
});
afterAll(async () => {
  await slack.stop();
  await pd.close();
});

it("uses a prefetched answer once, and asks again for an old one", async () => {
  const t0 = Date.now();
  prefetchOnCall(deps.paging, "PEP1", t0);
  const people = await onCallPeople(deps, "PEP1", t0 + 1_000);
  // Each on-call person looked up in Slack; one has no Slack account.
  expect(people).toEqual([
    { email: "ada@example.com", userId: ada },
    { email: "ben@example.com", userId: undefined },
  ]);
  expect(oncallsAsked()).toBe(1);
  // Used up: the next channel job asks PagerDuty itself.
  await onCallPeople(deps, "PEP1", t0 + 2_000);
  expect(oncallsAsked()).toBe(2);
  // An answer older than the rota may be trusted is not used.
  prefetchOnCall(deps.paging, "PEP1", t0);
  await onCallPeople(deps, "PEP1", t0 + PREFETCH_TTL_MS + 1);
  expect(oncallsAsked()).toBe(4);
});

it("gives a prefetch's failure to the job that takes it, which fails and is retried", async () => {
  pd.failNext("/oncalls", 500);
  prefetchOnCall(deps.paging, "PEP1");
  await expect(onCallPeople(deps, "PEP1")).rejects.toThrow(/500/);
  expect((await onCallPeople(deps, "PEP1")).map((p) => p.email)).toEqual(["ada@example.com", "ben@example.com"]);
});
