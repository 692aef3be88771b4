// Which way an answer goes: ephemeral where the person is, else the response_url, else a DM.
import { describe, expect, it } from "vitest";
import { answerRoutes } from "../../src/domain/answer-route.js";

describe("answer routes", () => {
  it("try the channel first, then the interaction's response_url, then a DM", () => {
    expect(answerRoutes({ channelId: "C1", responseUrl: true })).toEqual([{ via: "ephemeral", channelId: "C1" }, { via: "response_url" }, { via: "dm" }]);
  });

  it("skip the channel for someone known not to be in it", () => {
    expect(answerRoutes({ channelId: "C1", member: false, responseUrl: true })).toEqual([{ via: "response_url" }, { via: "dm" }]);
  });

  it("fall back to a DM when there is no interaction to answer (a job's result)", () => {
    expect(answerRoutes({ channelId: "C1", responseUrl: false })).toEqual([{ via: "ephemeral", channelId: "C1" }, { via: "dm" }]);
    expect(answerRoutes({ responseUrl: false })).toEqual([{ via: "dm" }]);
  });

  it("answer in a modal-only interaction (no channel) by response_url, then DM", () => {
    expect(answerRoutes({ channelId: null, responseUrl: true })).toEqual([{ via: "response_url" }, { via: "dm" }]);
  });
});
