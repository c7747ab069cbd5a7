/** The bookings actions of the events service (routes in API.md "events"; docs/events.md). */
import type { ActionGroup } from "./context";

export const bookingActions: ActionGroup = {};
