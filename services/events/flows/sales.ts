/**
 * Selling a batch of bookings of one event in one transaction (group commit,
 * docs/events.md "Sales in batches"). flows/bookings.ts queues the requests
 * per event (lib/batch-queue.ts); this takes one batch: the event row once,
 * the asked types locked in id order, each request priced on its own, the
 * seats allocated in arrival order (rules/allocation.ts), the free bookings'
 * tickets signed, then one statement for the bookings, their tickets and the
 * seats (store/sales.ts), one INSERT for the outbox events, one COMMIT. Every request gets its own answer: its booking, or its own
 * refusal; nobody's refusal fails the others.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { EventsError } from "../errors";
import type { PaymentMethod } from "../peers";
import { allocateSeats } from "../rules/allocation";
import { priceBooking, type BookableType, type BookingRefusal, type ItemInput, type PricedItem } from "../rules/booking";
import { may } from "../rules/lifecycle";
import type { EventsRuntime } from "../runtime";
import type { BookingRow, NewBooking } from "../store/bookings";
import { lockForSale, writeSales, type SaleEvent } from "../store/sales";
import type { TicketTypeRow } from "../store/ticket-types";
import { signForBookings } from "../tickets/issue";

export interface BookInput {
	items: ItemInput[];
	payment?: PaymentMethod;
	unlockCode?: string;
}

export interface SaleRequest {
	buyerId: string;
	input: BookInput;
	idempotencyKey: string | null;
}

/**
 * `booked`: the booking this request made. `replay`: its Idempotency-Key is taken (by an earlier request
 * of the batch, or by another transaction that committed first); the caller answers as a repeated request.
 */
export type SaleOutcome = { booked: BookingRow } | { replay: true };

/** Requests per batch at most: bounds one transaction's signing time and row-lock time. */
export const MAX_BATCH = 100;

function refusal(r: BookingRefusal): Error {
	switch (r.kind) {
		case "invalid":
			return EventsError.invalid(r.field, r.message);
		case "unknown_type":
			return EventsError.ticketTypeNotFound();
		case "not_on_sale":
			return EventsError.notOnSale(r.ticketTypeId, r.reason);
		case "per_order_limit":
			return EventsError.perOrderLimit(r.ticketTypeId, r.limit);
		case "sold_out":
			return EventsError.soldOut(r.ticketTypeId, r.left);
		case "mixed_currencies":
			return EventsError.mixedCurrencies();
	}
}

const bookable = (tt: TicketTypeRow): BookableType => ({
	id: tt.id,
	price: Number(tt.price),
	currency: tt.currency,
	capacity: tt.capacity,
	sold: tt.sold,
	held: tt.held,
	salesStart: tt.sales_start,
	salesEnd: tt.sales_end,
	perOrderLimit: tt.per_order_limit,
	unlockCodeHash: tt.unlock_code_hash
});

interface Priced {
	index: number;
	req: SaleRequest;
	items: PricedItem[];
	quantity: number;
	total: number;
	currency: string;
}

export function sellBatch(rt: EventsRuntime, eventId: string, reqs: SaleRequest[]): Promise<Array<SaleOutcome | Error>> {
	return inTransaction(rt.sequelize, t => sell(rt, t, eventId, reqs));
}

async function sell(rt: EventsRuntime, t: Transaction, eventId: string, reqs: SaleRequest[]): Promise<Array<SaleOutcome | Error>> {
	const db = { sequelize: rt.sequelize, t };
	const asked = new Set(reqs.flatMap(r => r.input.items.map(item => item.ticketTypeId.toLowerCase())));
	const locked = await lockForSale(db, eventId, [...asked]);
	const event = locked.event;
	if (!event || event.status === "draft") return reqs.map(() => EventsError.eventNotFound());
	if (!may("book", event.status)) return reqs.map(() => EventsError.eventState(event.status, "booked"));
	const out: Array<SaleOutcome | Error | null> = reqs.map(r => (r.buyerId === event.organizer_id ? EventsError.ownEvent() : null));
	const types = new Map(locked.types.map(tt => [tt.id, bookable(tt)]));

	const priced = price(rt, event, reqs, types, out);
	const seatsLeft = new Map([...types.values()].map(tt => [tt.id, tt.capacity - tt.sold - tt.held]));
	const allocation = allocateSeats(priced, seatsLeft);
	const fitting: Priced[] = [];
	priced.forEach((p, i) => {
		const a = allocation[i];
		if (a.fits) fitting.push(p);
		else out[p.index] = EventsError.soldOut(a.ticketTypeId, a.left);
	});

	const wanted = fitting.map(p => newBooking(rt, eventId, p));
	const free = wanted.filter(b => b.status === "confirmed");
	const tickets = await signForBookings(rt, db, event, free.map(b => ({ bookingId: b.id, holderId: b.buyerId, items: b.items })));
	// The lock taken above made the allocation exact; the seat UPDATE's condition (and the table's CHECK)
	// stay the backstop. A type short fails the batch as a whole, and its members are then booked one by one.
	const { made, typesShort } = await writeSales(db, wanted, tickets);
	if (typesShort > 0) throw new Error(`event ${eventId}: seats moved under the batch's type locks`);
	const byId = new Map(made.map(row => [row.id, row]));
	fitting.forEach((p, i) => {
		const row = byId.get(wanted[i].id);
		out[p.index] = row ? { booked: row } : { replay: true };
	});
	await rt.raiseEvents(
		t,
		"events.booking.confirmed",
		made
			.filter(b => b.status === "confirmed")
			.map(b => ({
				data: { bookingId: b.id, eventId, eventTitle: event.title, buyerId: b.buyer_id, organizerId: event.organizer_id, quantity: b.quantity, total: 0, currency: b.currency },
				actorId: b.buyer_id
			}))
	);
	return out as Array<SaleOutcome | Error>;
}

/**
 * Prices each request still open (rules/booking.ts: sale window, per-order limit, unlock code, currency).
 * A second request with a buyer's Idempotency-Key already in the batch waits for the first's answer.
 */
function price(rt: EventsRuntime, event: SaleEvent, reqs: SaleRequest[], types: Map<string, BookableType>, out: Array<SaleOutcome | Error | null>): Priced[] {
	const now = new Date();
	const keys = new Set<string>();
	const priced: Priced[] = [];
	reqs.forEach((req, index) => {
		if (out[index]) return;
		const p = priceBooking(req.input.items, types, { now, eventEndsAt: event.ends_at, maxTickets: rt.cfg.maxTicketsPerBooking, unlockCode: req.input.unlockCode });
		if ("kind" in p) out[index] = refusal(p);
		else if (p.total > 0 && !req.input.payment) out[index] = EventsError.paymentRequired();
		else if (req.idempotencyKey && keys.has(`${req.buyerId} ${req.idempotencyKey}`)) out[index] = { replay: true };
		else {
			if (req.idempotencyKey) keys.add(`${req.buyerId} ${req.idempotencyKey}`);
			priced.push({ index, req, ...p });
		}
	});
	return priced;
}

function newBooking(rt: EventsRuntime, eventId: string, p: Priced): NewBooking {
	const free = p.total === 0;
	return {
		id: newId(),
		eventId,
		buyerId: p.req.buyerId,
		status: free ? "confirmed" : "pending_payment",
		items: p.items,
		quantity: p.quantity,
		total: p.total,
		currency: p.currency,
		expiresAt: free ? null : new Date(Date.now() + rt.cfg.holdSeconds * 1000),
		idempotencyKey: p.req.idempotencyKey
	};
}
