/**
 * Which bookings of a batch get their seats (flows/sales.ts takes one batch
 * per transaction). Pure: the seats left per ticket type, read under the
 * types' row locks, and the batch's requests in arrival order. A booking is
 * all or nothing; one that does not fit leaves the seats to the requests
 * behind it, as if each had been booked alone in that order.
 */

export interface SeatAsk {
	/** One line per ticket type (pricing merged them); per-order limits were checked there. */
	items: ReadonlyArray<{ ticketTypeId: string; quantity: number }>;
}

export type Allocation = { fits: true } | { fits: false; ticketTypeId: string; left: number };

/** One answer per request, in the same order; `left` on a refusal is what remained when its turn came. */
export function allocateSeats(requests: readonly SeatAsk[], seatsLeft: ReadonlyMap<string, number>): Allocation[] {
	const left = new Map(seatsLeft);
	return requests.map(req => {
		for (const item of req.items) {
			const have = Math.max(0, left.get(item.ticketTypeId) ?? 0);
			if (item.quantity > have) return { fits: false, ticketTypeId: item.ticketTypeId, left: have };
		}
		for (const item of req.items) left.set(item.ticketTypeId, (left.get(item.ticketTypeId) ?? 0) - item.quantity);
		return { fits: true };
	});
}
