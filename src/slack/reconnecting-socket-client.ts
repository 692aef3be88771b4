// @slack/socket-mode reconnects by calling its own start() from a timer and never looks at what
// that returns (SocketModeClient.delayReconnectAttempt: `cb.apply(this).then(res)`). A reconnect
// Slack refuses with an error the SDK counts as unrecoverable — apps.connections.open answering
// invalid_auth while a token is rotated, an HTTP error, a request that fails outright — was an
// unhandled rejection, which ends a Node process, and the client stayed disconnected for good.
// This client catches a failed reconnect, says so through `onRetry`, and tries again with the
// SDK's own back-off (the ping timeout times the failures so far, capped at a minute) until it is
// connected or disconnected on purpose. A start() Firebreak calls itself still rejects to it.
//
// The SDK drops a failure in one more place: a refusal it counts as recoverable (internal_error,
// ratelimited) is retried through the same timer (retrieveWSSURL → delayReconnectAttempt), and if
// that retry is refused for good, its rejection was unhandled and the reconnect waiting on it
// waited forever. This client's delayReconnectAttempt keeps the SDK's wait and passes the
// attempt's failure on to whoever awaits it: here, the start() above, which retries.
import { SocketModeClient, type SocketModeOptions } from "@slack/socket-mode";
import type { AppsConnectionsOpenResponse } from "@slack/web-api";

const MAX_BACKOFF_MS = 60_000;

/** SocketModeClient.delayReconnectAttempt: waits out the back-off, then runs `attempt` (unless shutting down). */
type DelayReconnect = <T>(this: SocketModeClient, attempt: () => Promise<T>) => Promise<T>;

export class ReconnectingSocketModeClient extends SocketModeClient {
  private reconnecting = false;
  private stopped = false;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly pingTimeoutMs: number;

  constructor(
    options: SocketModeOptions,
    private readonly onRetry: (error: unknown, retryInMs: number) => void,
  ) {
    super(options);
    this.pingTimeoutMs = options.clientPingTimeout ?? 5_000;
    // The SDK's states (SocketModeClient's State): "reconnecting" before each attempt it makes.
    this.on("reconnecting", () => (this.reconnecting = true));
    this.on("connected", () => {
      this.reconnecting = false;
      this.failures = 0;
    });
    // A private method in the SDK's types, so replaced on the instance rather than overridden.
    const sdk = this as unknown as { delayReconnectAttempt: DelayReconnect };
    const sdkDelay = sdk.delayReconnectAttempt;
    sdk.delayReconnectAttempt = function <T>(this: SocketModeClient, attempt: () => Promise<T>): Promise<T> {
      const attempted = new Promise<T>((resolve, reject) => {
        void sdkDelay.call(this, function (this: SocketModeClient) {
          return attempt.apply(this).then(resolve, reject);
        });
      });
      // The SDK calls this for a dropped socket's reconnect without awaiting it; start() above
      // does not reject while reconnecting, and a failure here must not be unhandled if it did.
      attempted.catch(() => undefined);
      return attempted;
    };
  }

  override async start(): Promise<AppsConnectionsOpenResponse> {
    try {
      return await super.start();
    } catch (error) {
      if (!this.reconnecting) throw error;
      // Stopped meanwhile: nobody awaits this attempt, and it must neither reject nor retry.
      if (this.stopped) return new Promise<never>(() => {});
      this.failures += 1;
      const retryInMs = Math.min(this.pingTimeoutMs * this.failures, MAX_BACKOFF_MS);
      this.onRetry(error, retryInMs);
      await new Promise<void>((resolve) => (this.retryTimer = setTimeout(resolve, retryInMs)));
      this.retryTimer = undefined;
      return this.start();
    }
  }

  override async disconnect(): Promise<void> {
    this.stopped = true;
    // A retry waiting here is dropped with its timer; its promise stays pending, unobserved.
    clearTimeout(this.retryTimer);
    return super.disconnect();
  }
}
