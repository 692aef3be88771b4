// The App Home port over views.publish (https://docs.slack.dev/reference/methods/views.publish).
// Publishing replaces the person's whole Home view, so a repeat is harmless: no write ledger.
import type { HomeView } from "@slack/types";
import type { HomeTabPort } from "../ports/chat.js";
import { toVendorError, type SlackClients } from "./slack-chat.js";

export function createSlackHome(clients: SlackClients): HomeTabPort {
  return {
    async publishHome(userId, view) {
      try {
        await clients.writes.views.publish({ user_id: userId, view: view as HomeView });
      } catch (error) {
        throw toVendorError("views.publish", error);
      }
    },
  };
}
