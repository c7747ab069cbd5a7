/**
 * Ticket types: free (price 0) or paid, a capacity, an optional sale window,
 * a per-order limit, and hidden types that only a code unlocks. Pure.
 */
import crypto from "node:crypto";
import { parseInstant, type Problem } from "./event-input";

export const NAME_MAX = 100;
export const CAPACITY_MAX = 1_000_000;
export const PRICE_MAX = 1_000_000_000_000;
/** The currencies payments collects in, with minor units per major unit (mirrors payments' rules/money.ts). */
export const CURRENCY_UNITS: Record<string, number> = { TZS: 100, KES: 100, UGX: 1, RWF: 1 };
const CODE_RE = /^[A-Za-z0-9_-]{4,32}$/;

export interface TicketTypeInput {
	name?: string;
	price?: number;
	currency?: string;
	capacity?: number;
	salesStart?: string | null;
	salesEnd?: string | null;
	perOrderLimit?: number;
	hidden?: boolean;
	unlockCode?: string;
	allowsReentry?: boolean;
}

export interface TicketTypeFields {
	name: string;
	price: number;
	currency: string;
	capacity: number;
	salesStart: Date | null;
	salesEnd: Date | null;
	perOrderLimit: number;
	hidden: boolean;
	unlockCodeHash: string | null;
	allowsReentry: boolean;
}

/** Codes are typed by people from posters: compared without regard to case. */
export function hashUnlockCode(code: string): string {
	return crypto.createHash("sha256").update(code.trim().toUpperCase()).digest("hex");
}

export function unlockCodeMatches(code: string | undefined, hash: string | null): boolean {
	if (!hash) return true;
	if (!code) return false;
	const given = Buffer.from(hashUnlockCode(code), "hex");
	return crypto.timingSafeEqual(given, Buffer.from(hash, "hex"));
}

/** Validates a new ticket type against its event (the window must close by the event's end). */
export function resolveTicketType(input: TicketTypeInput, event: { endsAt: Date; currency: string | null }, maxPerOrder: number): TicketTypeFields | Problem {
	const name = (input.name ?? "").trim();
	if ([...name].length < 1 || [...name].length > NAME_MAX) return { field: "name", message: `1–${NAME_MAX} characters` };
	const price = input.price;
	if (typeof price !== "number" || !Number.isInteger(price) || price < 0 || price > PRICE_MAX) return { field: "price", message: "an integer amount in minor units, 0 for free" };
	const currency = input.currency;
	if (!currency || !(currency in CURRENCY_UNITS)) return { field: "currency", message: `one of ${Object.keys(CURRENCY_UNITS).join(", ")}` };
	if (price % CURRENCY_UNITS[currency] !== 0) return { field: "price", message: "mobile money takes whole units of the currency" };
	if (event.currency && event.currency !== currency) return { field: "currency", message: `this event's tickets are in ${event.currency}` };
	const capacity = input.capacity;
	if (typeof capacity !== "number" || !Number.isInteger(capacity) || capacity < 1 || capacity > CAPACITY_MAX) return { field: "capacity", message: `an integer 1–${CAPACITY_MAX}` };
	const perOrderLimit = input.perOrderLimit ?? Math.min(10, maxPerOrder);
	if (!Number.isInteger(perOrderLimit) || perOrderLimit < 1 || perOrderLimit > maxPerOrder) return { field: "perOrderLimit", message: `an integer 1–${maxPerOrder}` };
	let salesStart: Date | null = null;
	let salesEnd: Date | null = null;
	if (input.salesStart) {
		salesStart = parseInstant(input.salesStart);
		if (!salesStart) return { field: "salesStart", message: "an ISO 8601 time with an offset" };
	}
	if (input.salesEnd) {
		salesEnd = parseInstant(input.salesEnd);
		if (!salesEnd) return { field: "salesEnd", message: "an ISO 8601 time with an offset" };
		if (salesEnd.getTime() > event.endsAt.getTime()) return { field: "salesEnd", message: "sales end by the time the event ends" };
	}
	if (salesStart && salesEnd && salesEnd.getTime() <= salesStart.getTime()) return { field: "salesEnd", message: "must be after salesStart" };
	const hidden = input.hidden ?? false;
	if (hidden && (!input.unlockCode || !CODE_RE.test(input.unlockCode))) return { field: "unlockCode", message: "a hidden type needs a code of 4–32 letters, digits, - or _" };
	if (!hidden && input.unlockCode !== undefined) return { field: "unlockCode", message: "only hidden types have a code" };
	return {
		name,
		price,
		currency,
		capacity,
		salesStart,
		salesEnd,
		perOrderLimit,
		hidden,
		unlockCodeHash: hidden ? hashUnlockCode(input.unlockCode as string) : null,
		allowsReentry: input.allowsReentry ?? false
	};
}

export type SaleState = "on_sale" | "not_started" | "ended" | "sold_out";

export function saleState(tt: { salesStart: Date | null; salesEnd: Date | null; capacity: number; sold: number; held: number }, eventEndsAt: Date, now: Date): SaleState {
	if (tt.salesStart && now.getTime() < tt.salesStart.getTime()) return "not_started";
	const end = tt.salesEnd ?? eventEndsAt;
	if (now.getTime() >= end.getTime()) return "ended";
	if (tt.sold + tt.held >= tt.capacity) return "sold_out";
	return "on_sale";
}
