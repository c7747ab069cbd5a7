/** Pure booking rules: ticket types, pricing and refusals, refund policy, ratings and stats maths. */
import { expect } from "chai";
import { mergeItems, priceBooking, type BookableType } from "../../../services/events/rules/booking";
import { aggregate, isStars } from "../../../services/events/rules/rating";
import { attendeeRefund, NO_REFUNDS, resolveRefundPolicy } from "../../../services/events/rules/refund-policy";
import { buildStats, localDay } from "../../../services/events/rules/stats";
import { hashUnlockCode, resolveTicketType, saleState, unlockCodeMatches, type TicketTypeFields } from "../../../services/events/rules/ticket-type";

const NOW = new Date("2026-12-01T10:00:00Z");
const END = new Date("2026-12-10T20:00:00Z");

describe("events rules: ticket types", () => {
	const ev = { endsAt: END, currency: null };
	it("accepts free and paid types with defaults", () => {
		const free = resolveTicketType({ name: "Free", price: 0, currency: "TZS", capacity: 10 }, ev, 20) as TicketTypeFields;
		expect(free).to.include({ price: 0, perOrderLimit: 10, hidden: false, unlockCodeHash: null });
		const vip = resolveTicketType({ name: "VIP", price: 50_000_00, currency: "TZS", capacity: 5, hidden: true, unlockCode: "Crew-1" }, ev, 20) as TicketTypeFields;
		expect(vip.unlockCodeHash).to.equal(hashUnlockCode("CREW-1"));
	});
	it("refuses what payments could not collect or the event could not hold", () => {
		const field = (input: Record<string, unknown>, e: { endsAt: Date; currency: string | null } = ev) =>
			(resolveTicketType({ name: "T", price: 100, currency: "TZS", capacity: 5, ...input }, e, 20) as { field: string }).field;
		expect(field({ price: 150 })).to.equal("price");
		expect(field({ price: -1 })).to.equal("price");
		expect(field({ currency: "USD" })).to.equal("currency");
		expect(field({ currency: "KES" }, { endsAt: END, currency: "TZS" })).to.equal("currency");
		expect(field({ capacity: 0 })).to.equal("capacity");
		expect(field({ perOrderLimit: 21 })).to.equal("perOrderLimit");
		expect(field({ salesEnd: "2026-12-11T00:00:00Z" })).to.equal("salesEnd");
		expect(field({ salesStart: "2026-12-05T00:00:00Z", salesEnd: "2026-12-04T00:00:00Z" })).to.equal("salesEnd");
		expect(field({ hidden: true })).to.equal("unlockCode");
		expect(field({ unlockCode: "ABCD" })).to.equal("unlockCode");
		expect(field({ name: "" })).to.equal("name");
	});
	it("sale state and unlock codes", () => {
		const t = { salesStart: new Date("2026-12-02T00:00:00Z"), salesEnd: null, capacity: 5, sold: 2, held: 1 };
		expect(saleState(t, END, NOW)).to.equal("not_started");
		expect(saleState(t, END, new Date("2026-12-05T00:00:00Z"))).to.equal("on_sale");
		expect(saleState({ ...t, held: 3 }, END, new Date("2026-12-05T00:00:00Z"))).to.equal("sold_out");
		expect(saleState(t, END, END)).to.equal("ended");
		expect(unlockCodeMatches("crew-1", hashUnlockCode("CREW-1"))).to.equal(true);
		expect(unlockCodeMatches("crew-2", hashUnlockCode("CREW-1"))).to.equal(false);
		expect(unlockCodeMatches(undefined, null)).to.equal(true);
	});
});

describe("events rules: pricing a booking", () => {
	const type = (over: Partial<BookableType> = {}): BookableType => ({
		id: "a",
		price: 10_000_00,
		currency: "TZS",
		capacity: 10,
		sold: 0,
		held: 0,
		salesStart: null,
		salesEnd: null,
		perOrderLimit: 4,
		unlockCodeHash: null,
		...over
	});
	const opts = { now: NOW, eventEndsAt: END, maxTickets: 6 };
	it("merges lines of one type and prices them", () => {
		expect(mergeItems([{ ticketTypeId: "A", quantity: 1 }, { ticketTypeId: "a", quantity: 2 }])).to.deep.equal([{ ticketTypeId: "a", quantity: 3 }]);
		const types = new Map([["a", type()], ["b", type({ id: "b", price: 0 })]]);
		const priced = priceBooking([{ ticketTypeId: "a", quantity: 2 }, { ticketTypeId: "b", quantity: 1 }], types, opts);
		expect(priced).to.deep.equal({ items: [{ ticketTypeId: "a", quantity: 2, unitPrice: 10_000_00 }, { ticketTypeId: "b", quantity: 1, unitPrice: 0 }], quantity: 3, total: 20_000_00, currency: "TZS" });
	});
	it("refuses with the reason", () => {
		const kind = (items: Array<{ ticketTypeId: string; quantity: number }>, t: BookableType[], code?: string) =>
			(priceBooking(items, new Map(t.map(x => [x.id, x])), { ...opts, unlockCode: code }) as { kind: string }).kind;
		expect(kind([], [type()])).to.equal("invalid");
		expect(kind([{ ticketTypeId: "z", quantity: 1 }], [type()])).to.equal("unknown_type");
		expect(kind([{ ticketTypeId: "a", quantity: 1 }], [type({ unlockCodeHash: hashUnlockCode("X1Y2") })])).to.equal("unknown_type");
		expect(kind([{ ticketTypeId: "a", quantity: 1 }], [type({ unlockCodeHash: hashUnlockCode("X1Y2") })], "x1y2")).to.not.equal("unknown_type");
		expect(kind([{ ticketTypeId: "a", quantity: 5 }], [type()])).to.equal("per_order_limit");
		expect(kind([{ ticketTypeId: "a", quantity: 3 }], [type({ sold: 7, held: 1 })])).to.equal("sold_out");
		expect(kind([{ ticketTypeId: "a", quantity: 1 }], [type({ salesEnd: NOW })])).to.equal("not_on_sale");
		expect(kind([{ ticketTypeId: "a", quantity: 1 }, { ticketTypeId: "b", quantity: 1 }], [type(), type({ id: "b", currency: "KES" })])).to.equal("mixed_currencies");
		expect(kind([{ ticketTypeId: "a", quantity: 4 }, { ticketTypeId: "b", quantity: 4 }], [type(), type({ id: "b" })])).to.equal("invalid");
	});
});

describe("events rules: refund policy", () => {
	const start = new Date("2026-12-10T15:00:00Z");
	it("refunds the share before the cutoff, in whole currency units", () => {
		const policy = { refundable: true, cutoffHours: 24, percent: 50 };
		expect(attendeeRefund(policy, 15_005_00, "TZS", start, NOW)).to.equal(7_502_00);
		expect(attendeeRefund(policy, 15_005, "UGX", start, NOW)).to.equal(7_502);
		expect(attendeeRefund(policy, 10_000_00, "TZS", start, new Date("2026-12-09T15:00:01Z"))).to.equal(null);
		expect(attendeeRefund(NO_REFUNDS, 10_000_00, "TZS", start, NOW)).to.equal(null);
	});
	it("validates a policy", () => {
		expect(resolveRefundPolicy({ refundable: true }, NO_REFUNDS)).to.deep.equal({ refundable: true, cutoffHours: 0, percent: 100 });
		expect(resolveRefundPolicy({ refundable: false, percent: 50 }, NO_REFUNDS)).to.deep.equal(NO_REFUNDS);
		expect((resolveRefundPolicy({ refundable: true, percent: 0 }, NO_REFUNDS) as { field: string }).field).to.equal("refundPolicy.percent");
		expect((resolveRefundPolicy({ refundable: true, cutoffHours: -1 }, NO_REFUNDS) as { field: string }).field).to.equal("refundPolicy.cutoffHours");
	});
});

describe("events rules: ratings and stats", () => {
	it("aggregates stars", () => {
		expect(aggregate(new Map())).to.deep.equal({ average: null, count: 0, distribution: [0, 0, 0, 0, 0] });
		expect(aggregate(new Map([[5, 2], [4, 1], [1, 0]]))).to.deep.equal({ average: 4.67, count: 3, distribution: [0, 0, 0, 1, 2] });
		expect(isStars(0)).to.equal(false);
		expect(isStars(4.5)).to.equal(false);
	});
	it("sales per type and local day, revenue, check-ins per hour, no-shows only after the event", () => {
		expect(localDay(new Date("2026-12-09T22:30:00Z"), "Africa/Dar_es_Salaam")).to.equal("2026-12-10");
		const stats = buildStats({
			timezone: "Africa/Dar_es_Salaam",
			currency: "TZS",
			types: [{ id: "a", name: "Regular", capacity: 10, sold: 3, held: 1, price: 100 }],
			sales: [
				{ ticketTypeId: "a", quantity: 2, amount: 200, at: new Date("2026-12-09T22:30:00Z") },
				{ ticketTypeId: "a", quantity: 1, amount: 100, at: new Date("2026-12-10T08:00:00Z") }
			],
			refunded: 50,
			checkins: [new Date("2026-12-10T15:10:00Z"), new Date("2026-12-10T15:50:00Z"), new Date("2026-12-10T16:05:00Z")],
			ticketsIssued: 3,
			ticketsCheckedIn: 2,
			eventOver: true
		});
		expect(stats.revenue).to.deep.equal({ gross: 300, refunded: 50, net: 250 });
		expect(stats.ticketTypes[0].byDay).to.deep.equal([{ day: "2026-12-10", quantity: 3, amount: 300 }]);
		expect(stats.checkins.byHour).to.deep.equal([{ hour: "2026-12-10T15:00:00.000Z", count: 2 }, { hour: "2026-12-10T16:00:00.000Z", count: 1 }]);
		expect(stats.noShows).to.equal(1);
	});
});
