/** How events and ticket types look through the API (docs/events.md "Event"). */
import { isPublic } from "../rules/lifecycle";
import { saleState, unlockCodeMatches } from "../rules/ticket-type";
import type { EventRow } from "../store/events";
import type { TicketTypeRow } from "../store/ticket-types";
import type { FileView } from "../peers";

export function ticketTypeView(tt: TicketTypeRow, event: Pick<EventRow, "ends_at">, organizer: boolean, now = new Date()) {
	return {
		id: tt.id,
		eventId: tt.event_id,
		name: tt.name,
		price: Number(tt.price),
		currency: tt.currency,
		free: Number(tt.price) === 0,
		capacity: tt.capacity,
		left: Math.max(0, tt.capacity - tt.sold - tt.held),
		salesStart: tt.sales_start?.toISOString() ?? null,
		salesEnd: tt.sales_end?.toISOString() ?? null,
		perOrderLimit: tt.per_order_limit,
		hidden: tt.hidden,
		allowsReentry: tt.allows_reentry,
		saleState: saleState({ salesStart: tt.sales_start, salesEnd: tt.sales_end, capacity: tt.capacity, sold: tt.sold, held: tt.held }, event.ends_at, now),
		...(organizer ? { sold: tt.sold, held: tt.held } : {})
	};
}

/** Types a viewer may see: all for the organizer; otherwise the open ones and hidden ones whose code they gave. */
export function visibleTypes(types: readonly TicketTypeRow[], organizer: boolean, unlockCode?: string): TicketTypeRow[] {
	return types.filter(tt => organizer || !tt.hidden || (unlockCode !== undefined && unlockCodeMatches(unlockCode, tt.unlock_code_hash)));
}

export function lowestPrice(types: readonly TicketTypeRow[]): { price: number; currency: string } | null {
	const open = types.filter(t => !t.hidden);
	if (open.length === 0) return null;
	const min = open.reduce((a, b) => (Number(b.price) < Number(a.price) ? b : a));
	return { price: Number(min.price), currency: min.currency };
}

export const ticketsLeft = (types: readonly TicketTypeRow[]) => types.filter(t => !t.hidden).reduce((n, t) => n + Math.max(0, t.capacity - t.sold - t.held), 0);

export function placeOf(e: Pick<EventRow, "venue" | "online_url">): string {
	if (e.venue) return [e.venue.name, e.venue.city].filter(Boolean).join(", ");
	return "Online";
}

export function eventView(e: EventRow, types: readonly TicketTypeRow[], cover: FileView | undefined, viewerId: string | null, unlockCode?: string) {
	const organizer = viewerId === e.organizer_id;
	const shown = visibleTypes(types, organizer, unlockCode);
	const lowest = lowestPrice(types);
	return {
		id: e.id,
		organizerId: e.organizer_id,
		title: e.title,
		description: e.description,
		category: e.category,
		startsAt: e.starts_at.toISOString(),
		endsAt: e.ends_at.toISOString(),
		timezone: e.timezone,
		venue: e.venue,
		online: e.online_url ? { url: e.online_url } : null,
		place: placeOf(e),
		cover: e.cover_file_id ? { fileId: e.cover_file_id, url: cover?.url ?? null, blurhash: cover?.blurhash ?? null } : null,
		status: e.status,
		refundPolicy: e.refund_policy,
		lowestPrice: lowest?.price ?? null,
		currency: lowest?.currency ?? types[0]?.currency ?? null,
		ticketsLeft: isPublic(e.status) ? ticketsLeft(types) : 0,
		ticketTypes: shown.map(t => ticketTypeView(t, e, organizer)),
		publishedAt: e.published_at?.toISOString() ?? null,
		cancelledAt: e.cancelled_at?.toISOString() ?? null,
		completedAt: e.completed_at?.toISOString() ?? null,
		createdAt: e.created_at.toISOString(),
		updatedAt: e.updated_at.toISOString()
	};
}
export type EventView = ReturnType<typeof eventView>;
