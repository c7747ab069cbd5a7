/**
 * Stock reservation, pure parts (issue 8 item 4). The reservation itself is
 * one conditional UPDATE per variant (`stock = stock - q WHERE stock >= q`);
 * these rules decide what to ask for and in which order.
 */

export interface Want {
	variantId: string;
	quantity: number;
}

/**
 * One request per variant, summed, in variant id order: two lines on the same
 * variant are checked against the stock once, together (Medusa #16502 checked
 * each line against the same undecremented stock), and every checkout locks
 * variant rows in the same order, so two checkouts never deadlock.
 */
export function reservationPlan(lines: readonly Want[]): Want[] {
	const sums = new Map<string, number>();
	for (const l of lines) {
		if (!Number.isSafeInteger(l.quantity) || l.quantity < 1) throw new RangeError("quantity must be a positive integer");
		const id = l.variantId.toLowerCase();
		sums.set(id, (sums.get(id) ?? 0) + l.quantity);
	}
	return [...sums.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([variantId, quantity]) => ({ variantId, quantity }));
}

/** When a reservation made now lapses. */
export function reservationExpiry(now: Date, ttlSeconds: number): Date {
	return new Date(now.getTime() + ttlSeconds * 1000);
}

/**
 * The payment's lifetime for a reservation: shorter than the hold by a margin,
 * so the provider's final answer (or payments' expiry) normally arrives while
 * the stock is still held. Never below a minute.
 */
export function paymentLifetimeSeconds(ttlSeconds: number, marginSeconds: number): number {
	return Math.max(60, ttlSeconds - marginSeconds);
}

/** A cart line's quantity after adding more of the same variant, within the per-line limit. */
export function mergedQuantity(existing: number, added: number, maxPerLine: number): number | null {
	const q = existing + added;
	return q > maxPerLine ? null : q;
}
