/** The ticket-types actions of the events service (routes in API.md "events"; docs/events.md). */
import type { ActionGroup } from "./context";

export const ticketTypeActions: ActionGroup = {};
