/**
 * A booking's items: merged per ticket type, checked against each type's
 * sale window, per-order limit and unlock code, and priced. Pure: the
 * capacity itself is taken by one conditional UPDATE per type (store/bookings.ts).
 */
import { saleState } from "./ticket-type";
import { unlockCodeMatches } from "./ticket-type";

export interface ItemInput {
	ticketTypeId: string;
	quantity: number;
}

export interface BookableType {
	id: string;
	price: number;
	currency: string;
	capacity: number;
	sold: number;
	held: number;
	salesStart: Date | null;
	salesEnd: Date | null;
	perOrderLimit: number;
	unlockCodeHash: string | null;
}

export interface PricedItem {
	ticketTypeId: string;
	quantity: number;
	unitPrice: number;
}

export type BookingRefusal =
	| { kind: "invalid"; field: string; message: string }
	| { kind: "unknown_type"; ticketTypeId: string }
	| { kind: "not_on_sale"; ticketTypeId: string; reason: string }
	| { kind: "per_order_limit"; ticketTypeId: string; limit: number }
	| { kind: "sold_out"; ticketTypeId: string; left: number }
	| { kind: "mixed_currencies" };

/** Same type twice in one request counts as one line with the sum. */
export function mergeItems(items: readonly ItemInput[]): ItemInput[] {
	const byType = new Map<string, number>();
	for (const i of items) byType.set(i.ticketTypeId.toLowerCase(), (byType.get(i.ticketTypeId.toLowerCase()) ?? 0) + i.quantity);
	return [...byType].map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity }));
}

export function priceBooking(
	items: readonly ItemInput[],
	types: ReadonlyMap<string, BookableType>,
	opts: { now: Date; eventEndsAt: Date; maxTickets: number; unlockCode?: string }
): { items: PricedItem[]; quantity: number; total: number; currency: string } | BookingRefusal {
	const merged = mergeItems(items);
	if (merged.length === 0) return { kind: "invalid", field: "items", message: "at least one ticket" };
	let quantity = 0;
	let total = 0;
	let currency: string | null = null;
	const out: PricedItem[] = [];
	for (const item of merged) {
		if (!Number.isInteger(item.quantity) || item.quantity < 1) return { kind: "invalid", field: "items.quantity", message: "a positive integer" };
		const tt = types.get(item.ticketTypeId);
		// A hidden type without its code is as absent as an unknown one.
		if (!tt || !unlockCodeMatches(opts.unlockCode, tt.unlockCodeHash)) return { kind: "unknown_type", ticketTypeId: item.ticketTypeId };
		const state = saleState(tt, opts.eventEndsAt, opts.now);
		if (state === "not_started" || state === "ended") return { kind: "not_on_sale", ticketTypeId: tt.id, reason: state };
		if (item.quantity > tt.perOrderLimit) return { kind: "per_order_limit", ticketTypeId: tt.id, limit: tt.perOrderLimit };
		const left = tt.capacity - tt.sold - tt.held;
		if (item.quantity > left) return { kind: "sold_out", ticketTypeId: tt.id, left: Math.max(0, left) };
		if (currency && currency !== tt.currency) return { kind: "mixed_currencies" };
		currency = tt.currency;
		quantity += item.quantity;
		total += tt.price * item.quantity;
		out.push({ ticketTypeId: tt.id, quantity: item.quantity, unitPrice: tt.price });
	}
	if (quantity > opts.maxTickets) return { kind: "invalid", field: "items", message: `at most ${opts.maxTickets} tickets per booking` };
	return { items: out, quantity, total, currency: currency as string };
}

export const BOOKING_STATUSES = ["pending_payment", "confirmed", "cancelled", "refunded", "expired"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/** Statuses whose seats count as taken (held or sold). */
export const HOLDS_SEATS: readonly BookingStatus[] = ["pending_payment", "confirmed"];
