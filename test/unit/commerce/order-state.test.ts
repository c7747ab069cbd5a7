import { expect } from "chai";
import { availableActions, decide, isFinal, ORDER_STATUSES, type OrderStatus } from "../../../services/commerce/rules/order-state";

const paidAt = new Date("2026-12-01T10:00:00Z");
const at = (status: OrderStatus, paid = status !== "pending_payment") => ({ status, paidAt: paid ? paidAt : null });

describe("commerce rules: order state machine", () => {
	it("follows the happy path pending_payment → paid → shipped → delivered → completed with the right actors", () => {
		expect(decide(at("pending_payment"), "pay", "system")).to.deep.equal({ ok: true, to: "paid", path: ["paid"] });
		expect(decide(at("paid"), "ship", "seller")).to.deep.equal({ ok: true, to: "shipped", path: ["shipped"] });
		expect(decide(at("shipped"), "deliver", "system")).to.deep.equal({ ok: true, to: "delivered", path: ["delivered"] });
		expect(decide(at("delivered"), "complete", "system")).to.deep.equal({ ok: true, to: "completed", path: ["completed"] });
	});

	it("a buyer confirming a shipped order passes through delivered; a delivered one completes", () => {
		expect(decide(at("shipped"), "confirm", "buyer")).to.deep.equal({ ok: true, to: "completed", path: ["delivered", "completed"] });
		expect(decide(at("delivered"), "confirm", "buyer")).to.deep.equal({ ok: true, to: "completed", path: ["completed"] });
	});

	it("refuses actors who may not take a step", () => {
		expect(decide(at("paid"), "ship", "buyer")).to.include({ ok: false, code: "NOT_ALLOWED" });
		expect(decide(at("pending_payment"), "pay", "buyer")).to.include({ ok: false, code: "NOT_ALLOWED" });
		expect(decide(at("shipped"), "confirm", "seller")).to.include({ ok: false, code: "NOT_ALLOWED" });
		expect(decide(at("disputed"), "resolve", "buyer")).to.include({ ok: false, code: "NOT_ALLOWED" });
		expect(decide(at("paid"), "dispute", "seller")).to.include({ ok: false, code: "NOT_ALLOWED" });
	});

	it("refuses steps from the wrong state and names the states they need", () => {
		const d = decide(at("shipped"), "cancel", "buyer");
		expect(d).to.deep.equal({ ok: false, code: "ORDER_STATE", allowedFrom: ["pending_payment", "paid"] });
		expect(decide(at("pending_payment"), "ship", "seller")).to.include({ ok: false, code: "ORDER_STATE" });
		expect(decide(at("completed"), "dispute", "buyer")).to.include({ ok: false, code: "ORDER_STATE" });
		expect(decide(at("paid"), "pay", "system")).to.include({ ok: false, code: "ORDER_STATE" });
		expect(decide(at("cancelled"), "confirm", "buyer")).to.include({ ok: false, code: "ORDER_STATE" });
	});

	it("cancels an unpaid order; a paid one is cancelled and refunded in one step", () => {
		expect(decide(at("pending_payment"), "cancel", "system")).to.deep.equal({ ok: true, to: "cancelled", path: ["cancelled"] });
		expect(decide(at("pending_payment"), "cancel", "buyer")).to.deep.equal({ ok: true, to: "cancelled", path: ["cancelled"] });
		expect(decide(at("paid"), "cancel", "seller")).to.deep.equal({ ok: true, to: "refunded", path: ["cancelled", "refunded"] });
	});

	it("refunds a cancelled order only if it had been paid", () => {
		expect(decide(at("cancelled", false), "refund", "system")).to.include({ ok: false, code: "ORDER_STATE" });
		expect(decide(at("cancelled", true), "refund", "system")).to.deep.equal({ ok: true, to: "refunded", path: ["refunded"] });
	});

	it("disputes from paid, shipped or delivered; an admin's resolution completes or refunds", () => {
		for (const s of ["paid", "shipped", "delivered"] as const) expect(decide(at(s), "dispute", "buyer")).to.deep.equal({ ok: true, to: "disputed", path: ["disputed"] });
		expect(decide(at("disputed"), "resolve", "admin", "release").ok && decide(at("disputed"), "resolve", "admin", "release")).to.include({ to: "completed" });
		expect(decide(at("disputed"), "resolve", "admin", "refund")).to.include({ ok: true, to: "refunded" });
		expect(decide(at("disputed"), "resolve", "admin", "split")).to.include({ ok: true, to: "refunded" });
		expect(decide(at("disputed"), "ship", "seller")).to.include({ ok: false });
	});

	it("lists what each party can do now, and which states are final", () => {
		expect(availableActions(at("paid"), "buyer")).to.deep.equal(["cancel", "dispute"]);
		expect(availableActions(at("paid"), "seller")).to.deep.equal(["cancel", "ship"]);
		expect(availableActions(at("shipped"), "buyer")).to.deep.equal(["confirm", "dispute"]);
		expect(availableActions(at("completed"), "buyer")).to.deep.equal([]);
		expect(ORDER_STATUSES.filter(isFinal)).to.deep.equal(["completed", "cancelled", "refunded"]);
	});
});
