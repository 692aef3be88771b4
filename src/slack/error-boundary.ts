// One error boundary around every Slack listener: whatever a listener throws becomes a sentence
// for the person (what happened, what to do), delivered like any answer, and one log line for the
// operator with the error. Slack is acked either way — a command with the sentence itself, a
// modal with the sentence under its first field — so nobody is left with Slack's bare "didn't
// respond" and no listener error ever reaches Bolt's last-resort handler.
import type { App, RespondFn } from "@slack/bolt";
import { ErrorCode } from "@slack/web-api";
import { toVendorError } from "../adapters/slack-chat.js";
import { CodedError } from "../kernel/errors.js";
import { VendorError } from "../ports/vendor-error.js";
import { answerTo, type AnswerDeps } from "./answer.js";

const GUARDED = ["command", "action", "view", "shortcut"] as const;
type Kind = (typeof GUARDED)[number];

const TRY_AGAIN = "Try again in a moment; if it keeps failing, ask whoever runs Firebreak to look at its log";

/** What the person is told when handling their request failed. */
export function failureSentence(error: unknown): string {
  if (error instanceof CodedError && error.code !== "internal") return error.message;
  const slackError = (error as { code?: unknown })?.code === ErrorCode.PlatformError || (error as { code?: unknown })?.code === ErrorCode.HTTPError ? toVendorError("Web API", error) : error;
  if (slackError instanceof VendorError) {
    return `:warning: Firebreak could not finish that: ${slackError.vendor === "slack" ? "Slack" : slackError.vendor} answered \`${slackError.code}\`. ${TRY_AGAIN}.`;
  }
  return `:warning: Something went wrong inside Firebreak while handling that, so it may not have been done. ${TRY_AGAIN} (it has the details).`;
}

interface ListenerArgs {
  ack: (response?: unknown) => Promise<void>;
  body: unknown;
  respond?: RespondFn;
}

function guard(kind: Kind, listener: (args: ListenerArgs) => Promise<unknown>, deps: AnswerDeps) {
  return async (args: ListenerArgs) => {
    let acked = false;
    const ack = async (response?: unknown) => {
      acked = true;
      await args.ack(response);
    };
    try {
      return await listener({ ...args, ack });
    } catch (error) {
      const sentence = failureSentence(error);
      const who = (args.body as { user?: { id?: string }; user_id?: string }) ?? {};
      deps.log.error({ err: error, listener: kind, userId: who.user?.id ?? who.user_id }, `a Slack ${kind} listener failed; the person was told: ${sentence}`);
      if (!acked) {
        acked = true;
        // A command's ack is its answer, shown to the person wherever they typed it.
        if (kind === "command") return void (await args.ack({ response_type: "ephemeral", text: sentence }).catch(() => undefined));
        const field = kind === "view" ? firstInput(args.body) : undefined;
        if (field) return void (await args.ack({ response_action: "errors", errors: { [field]: sentence.slice(0, 300) } }).catch(() => undefined));
        await args.ack().catch(() => undefined);
      }
      await answerTo(deps, args.body, args.respond)(sentence);
    }
  };
}

/** The block_id of a modal's first input, where Slack can show an error (a view_submission). */
function firstInput(body: unknown): string | undefined {
  const blocks = (body as { view?: { blocks?: { type?: string; block_id?: string }[] } }).view?.blocks ?? [];
  return blocks.find((b) => b.type === "input" && b.block_id)?.block_id;
}

/**
 * The app as listeners register on it, with each command, action, view and shortcut listener
 * guarded. Middleware (`use`) is left alone: its failures must reach the receiver so that Slack
 * retries the event.
 */
export function withErrorBoundary(app: App, deps: AnswerDeps): App {
  return new Proxy(app, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      if (!(GUARDED as readonly (string | symbol)[]).includes(property)) return (value as (...a: unknown[]) => unknown).bind(target);
      return (...registration: unknown[]) => {
        const listener = registration.at(-1) as (args: ListenerArgs) => Promise<unknown>;
        return (value as (...a: unknown[]) => unknown).call(target, ...registration.slice(0, -1), guard(property as Kind, listener, deps));
      };
    },
  });
}
