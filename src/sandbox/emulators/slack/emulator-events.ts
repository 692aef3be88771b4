// What the emulator announces as it changes, so a sandbox UI can show new messages live.
import type { BookmarkRecord, EphemeralMessage, SlackMessage, SlackView } from "./workspace-state.js";

export interface RecordedCall {
  method: string;
  /** The arguments as parsed (JSON-encoded form fields such as `blocks` decoded); no token. */
  args: Record<string, unknown>;
  /** Milliseconds since the epoch, by the emulator's clock. */
  at: number;
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown> };
}

export interface SlackEmulatorEvents {
  message: { channel: string; message: SlackMessage };
  update: { channel: string; message: SlackMessage; previous: SlackMessage };
  ephemeral: EphemeralMessage;
  view: { action: "open" | "update" | "push" | "publish"; view: SlackView };
  reaction: { action: "added" | "removed"; channel: string; ts: string; name: string; user: string };
  pin: { action: "added" | "removed"; channel: string; ts: string; user: string };
  bookmark: { action: "added"; channel: string; bookmark: BookmarkRecord };
  channel: { action: "created" | "archived" | "unarchived" | "renamed" | "topic" | "purpose" | "members"; channel: string };
  call: RecordedCall;
}

export type EventName = keyof SlackEmulatorEvents;
export type Listener<E extends EventName> = (payload: SlackEmulatorEvents[E]) => void;
export type Emit = <E extends EventName>(event: E, payload: SlackEmulatorEvents[E]) => void;

export interface Emitter {
  on<E extends EventName>(event: E, listener: Listener<E>): () => void;
  emit: Emit;
}

export function createEmitter(): Emitter {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(event, payload) {
      const set = listeners.get(event);
      if (!set) return;
      for (const listener of set) {
        // A copy, so a listener cannot reach into the workspace; a throwing listener must not
        // turn into an HTTP failure for the client, so its error surfaces on its own tick.
        try {
          (listener as Listener<typeof event>)(structuredClone(payload));
        } catch (error) {
          process.nextTick(() => {
            throw error;
          });
        }
      }
    },
  };
}
