/**
 * Payment methods, wallet, escrow release/refund/dispute and payouts through
 * the REST API, the internal actions and the simulators (B2C result callbacks).
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { adminToken, balance, outboxEvents, paidOrder, phoneFor } from "./support";

describe("payments: methods, wallet, escrow and payouts", function () {
	this.timeout(90_000);
	let stack: Stack;
	let buyer: TestUser;
	let seller: TestUser;
	let stranger: TestUser;
	const api = (path: string, user: TestUser | null, opts: { method?: string; body?: unknown } = {}) => http(stack.apiUrl, `/api/v1/payments${path}`, { ...opts, token: user?.accessToken });
	const wallet = async (user: TestUser, currency = "KES") => (await api(`/wallet?currency=${currency}`, user)).json as { currency: string; available: number; held: number };

	before(async () => {
		stack = await getStack();
		[buyer, seller, stranger] = await Promise.all([createUser(stack), createUser(stack), createUser(stack)]);
	});

	it("publishes exactly its REST routes in the OpenAPI document (internal actions stay internal)", async () => {
		const doc = (await http(stack.apiUrl, "/api/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
		const ours = Object.entries(doc.paths)
			.filter(([path]) => path.startsWith("/api/v1/payments"))
			.flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`))
			.sort();
		expect(ours).to.deep.equal([
			"DELETE /api/v1/payments/methods/{id}",
			"GET /api/v1/payments/admin/ledger-check",
			"GET /api/v1/payments/admin/reconciliation",
			"GET /api/v1/payments/intents/{id}",
			"GET /api/v1/payments/methods",
			"GET /api/v1/payments/payouts/{id}",
			"GET /api/v1/payments/transactions",
			"GET /api/v1/payments/wallet",
			"POST /api/v1/payments/admin/disputes/resolve",
			"POST /api/v1/payments/callbacks/{provider}",
			"POST /api/v1/payments/methods",
			"POST /api/v1/payments/payouts"
		]);
	});

	describe("payment methods", () => {
		it("saves numbers masked, the first as default, and moves the default on request", async () => {
			const first = await api("/methods", buyer, { method: "POST", body: { type: "mobile_money", provider: "mpesa", phone: "0712 345 678", label: "Safaricom" } });
			expect(first.status).to.equal(201);
			expect(first.json).to.include({ type: "mobile_money", provider: "mpesa", phone: "+254•••••5678", label: "Safaricom", isDefault: true });
			const second = await api("/methods", buyer, { method: "POST", body: { type: "mobile_money", provider: "selcom", phone: "+255 784 000 111", isDefault: true } });
			expect(second.status).to.equal(201);
			expect(second.json.isDefault).to.equal(true);
			const list = await api("/methods", buyer);
			expect(list.status).to.equal(200);
			expect(list.json.items.map((m: { id: string; isDefault: boolean }) => [m.id, m.isDefault])).to.deep.equal([
				[second.json.id, true],
				[first.json.id, false]
			]);
			expect(JSON.stringify(list.json)).to.not.contain("784000111");
			expect((await api(`/methods/${second.json.id}`, buyer, { method: "DELETE" })).status).to.equal(204);
			const after = await api("/methods", buyer);
			expect(after.json.items).to.have.length(1);
			expect(after.json.items[0]).to.include({ id: first.json.id, isDefault: true });
		});

		it("refuses duplicates (409), foreign numbers (422), bad input (400), anonymous callers (401) and others' methods (404)", async () => {
			const body = { type: "mobile_money", provider: "tembo", phone: "+255781234567" };
			expect((await api("/methods", stranger, { method: "POST", body })).status).to.equal(201);
			expect((await api("/methods", stranger, { method: "POST", body })).json).to.include({ code: 409, type: "METHOD_EXISTS" });
			expect((await api("/methods", stranger, { method: "POST", body: { ...body, phone: "+254712345678" } })).json).to.include({ code: 422, type: "PHONE_NOT_SUPPORTED" });
			expect((await api("/methods", stranger, { method: "POST", body: { ...body, provider: "paypal" } })).status).to.equal(400);
			expect((await api("/methods", stranger, { method: "POST", body: { ...body, type: "card" } })).status).to.equal(400);
			expect((await api("/methods", null)).status).to.equal(401);
			const mine = (await api("/methods", stranger)).json.items[0].id as string;
			expect((await api(`/methods/${mine}`, buyer, { method: "DELETE" })).status).to.equal(404);
			expect((await api(`/methods/${newId()}`, stranger, { method: "DELETE" })).status).to.equal(404);
		});
	});

	describe("escrow", () => {
		it("holds a paid order as the seller's held money, then releases it minus 5 % commission", async () => {
			const before = await wallet(seller);
			const intent = await paidOrder(stack, buyer.userId, seller.userId, 200_000);
			const held = await wallet(seller);
			expect(held.held - before.held).to.equal(200_000);
			const revenueBefore = await balance("platform:fee_revenue", "KES");

			const escrow = await stack.broker.call<{ status: string; released: number; commission: number }, object>("payments.releaseEscrow", { purpose: intent.purpose });
			expect(escrow).to.include({ status: "released", released: 190_000, commission: 10_000 });
			const after = await wallet(seller);
			expect(after.available - before.available).to.equal(190_000);
			expect(after.held).to.equal(before.held);
			expect((await balance("platform:fee_revenue", "KES")) - revenueBefore).to.equal(10_000);
			expect(await outboxEvents("payments.escrow.released", "escrowId", (escrow as unknown as { id: string }).id)).to.equal(1);

			const again = await stack.broker.call("payments.releaseEscrow", { purpose: intent.purpose }).catch(e => e);
			expect(again).to.include({ code: 409, type: "ESCROW_STATE" });
			const tx = await api("/transactions?currency=KES&limit=1", seller);
			expect(tx.status).to.equal(200);
			expect(tx.json.items[0]).to.include({ kind: "escrow_release", amount: 190_000, currency: "KES" });
		});

		it("refunds partly to the wallet and the rest to the paying phone (a B2C payout that completes by itself)", async () => {
			const buyerBefore = await wallet(buyer);
			const intent = await paidOrder(stack, buyer.userId, seller.userId, 100_000);
			const partial = await stack.broker.call<{ status: string; remaining: number }, object>("payments.refund", { purpose: intent.purpose, amount: 30_000, to: "wallet" });
			expect(partial).to.include({ status: "held", remaining: 70_000 });
			expect((await wallet(buyer)).available - buyerBefore.available).to.equal(30_000);
			const rest = await stack.broker.call<{ status: string; remaining: number; id: string }, object>("payments.refund", { purpose: intent.purpose, to: "provider" });
			expect(rest).to.include({ status: "refunded", remaining: 0 });
			await waitFor(async () => (await outboxEvents("payments.payout.paid", "userId", buyer.userId)) >= 1, "the refund payout to be paid", 20_000, 100);
			expect((await wallet(buyer)).available - buyerBefore.available).to.equal(30_000);
			expect(await outboxEvents("payments.escrow.refunded", "escrowId", rest.id)).to.equal(2);
			const tooMuch = await stack.broker.call("payments.refund", { purpose: intent.purpose, amount: 1, to: "wallet" }).catch(e => e);
			expect(tooMuch).to.include({ code: 409 });
		});

		it("a dispute freezes the escrow until an admin splits it", async () => {
			const intent = await paidOrder(stack, buyer.userId, seller.userId, 100_000);
			const frozen = await stack.broker.call<{ status: string }, object>("payments.freezeEscrow", { purpose: intent.purpose, reason: "item not as described" });
			expect(frozen.status).to.equal("disputed");
			expect(await stack.broker.call("payments.releaseEscrow", { purpose: intent.purpose }).catch(e => e)).to.include({ code: 409 });
			expect(await stack.broker.call("payments.refund", { purpose: intent.purpose, to: "wallet" }).catch(e => e)).to.include({ code: 409 });

			const body = { purpose: intent.purpose, resolution: "split", refundAmount: 40_000, to: "wallet" };
			expect((await api("/admin/disputes/resolve", buyer, { method: "POST", body })).status).to.equal(403);
			expect((await api("/admin/disputes/resolve", null, { method: "POST", body })).status).to.equal(401);
			const admin = await adminToken(stack, stranger);
			const bad = await http(stack.apiUrl, "/api/v1/payments/admin/disputes/resolve", { method: "POST", token: admin, body: { ...body, resolution: "shrug" } });
			expect(bad.status).to.equal(400);
			const res = await http(stack.apiUrl, "/api/v1/payments/admin/disputes/resolve", { method: "POST", token: admin, body });
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ status: "split", refunded: 40_000, released: 57_000, commission: 3_000, remaining: 0 });

			const check = await http(stack.apiUrl, "/api/v1/payments/admin/ledger-check", { token: admin });
			expect(check.status).to.equal(200);
			expect(check.json).to.include({ ok: true });
			const report = await http(stack.apiUrl, "/api/v1/payments/admin/reconciliation", { token: admin });
			expect(report.status).to.equal(200);
			expect(report.json.ledger.ok).to.equal(true);
			expect((await api("/admin/ledger-check", buyer)).status).to.equal(403);
		});

		it("releases by itself once the delivery window has passed, unless disputed", async () => {
			const intent = await paidOrder(stack, buyer.userId, seller.userId, 50_000);
			const marked = await stack.broker.call<{ autoReleaseAt: string }, object>("payments.markDelivered", { purpose: intent.purpose });
			expect(Date.parse(marked.autoReleaseAt) - Date.now()).to.be.greaterThan(71 * 3600_000);
			// Wind the clock: the window (hours) is configuration, the worker's release is what is tested.
			await coreQuery("UPDATE payments.escrows SET auto_release_at = now() - interval '1 second' WHERE purpose_id = $1", [intent.purpose.id]);
			const released = await waitFor(async () => {
				const e = await stack.broker.call<{ status: string }, object>("payments.getEscrow", { purpose: intent.purpose });
				return e.status === "released" ? e : null;
			}, "the auto-release", 20_000, 100);
			expect(released).to.include({ released: 47_500, commission: 2_500 });

			const disputed = await paidOrder(stack, buyer.userId, seller.userId, 50_000);
			await stack.broker.call("payments.markDelivered", { purpose: disputed.purpose });
			await stack.broker.call("payments.freezeEscrow", { purpose: disputed.purpose, reason: "never arrived" });
			await coreQuery("UPDATE payments.escrows SET auto_release_at = now() - interval '1 second' WHERE purpose_id = $1", [disputed.purpose.id]);
			await new Promise(r => setTimeout(r, 1500));
			expect((await stack.broker.call<{ status: string }, object>("payments.getEscrow", { purpose: disputed.purpose })).status).to.equal("disputed");
		});

		it("GET /payments/wallet and /transactions need a token and valid input", async () => {
			expect((await api("/wallet", null)).status).to.equal(401);
			expect((await api("/wallet?currency=EUR", buyer)).status).to.equal(400);
			expect((await api("/transactions?cursor=!!", buyer)).status).to.equal(400);
			const page = await api("/transactions?limit=1&currency=KES", buyer);
			expect(page.json.items).to.have.length(1);
			const next = await api(`/transactions?limit=1&currency=KES&cursor=${page.json.nextCursor}`, buyer);
			expect(next.json.items[0].id).to.not.equal(page.json.items[0].id);
		});
	});

	describe("payouts", () => {
		let methodId: string;
		let phone: string;

		before(async () => {
			phone = phoneFor("mpesa");
			const m = await api("/methods", seller, { method: "POST", body: { type: "mobile_money", provider: "mpesa", phone } });
			methodId = m.json.id;
			const intent = await paidOrder(stack, buyer.userId, seller.userId, 500_000);
			await stack.broker.call("payments.releaseEscrow", { purpose: intent.purpose });
		});

		it("withdraws wallet money: 202 in transit, paid on the B2C result", async () => {
			const before = await wallet(seller);
			const res = await api("/payouts", seller, { method: "POST", body: { amount: 100_000, methodId } });
			expect(res.status).to.equal(202);
			expect(res.json).to.include({ amount: 100_000, currency: "KES", provider: "mpesa", reason: "withdrawal" });
			expect(["pending", "processing"]).to.include(res.json.status);
			expect((await wallet(seller)).available).to.equal(before.available - 100_000);
			const paid = await waitFor(async () => {
				const p = await api(`/payouts/${res.json.id}`, seller);
				return p.json.status === "paid" ? p.json : null;
			}, "the payout to be paid", 20_000, 100);
			expect(paid.phone).to.match(/^\+254•+\d{4}$/);
			expect((await wallet(seller)).available).to.equal(before.available - 100_000);
			expect((await api(`/payouts/${res.json.id}`, buyer)).status).to.equal(404);
		});

		it("a failed payout returns the money to the wallet", async () => {
			const before = await wallet(seller);
			await http(stack.apiUrl, "/sim/mpesa/payouts/outcomes", { method: "POST", body: { phone, outcome: "failed", count: 1 } });
			const res = await api("/payouts", seller, { method: "POST", body: { amount: 50_000, methodId } });
			expect(res.status).to.equal(202);
			const failed = await waitFor(async () => {
				const p = await api(`/payouts/${res.json.id}`, seller);
				return p.json.status === "failed" ? p.json : null;
			}, "the payout to fail", 20_000, 100);
			expect(failed.failure.code).to.equal("MPESA_2040");
			expect((await wallet(seller)).available).to.equal(before.available);
			expect(await outboxEvents("payments.payout.failed", "payoutId", res.json.id)).to.equal(1);
		});

		it("refuses more than the wallet holds (422), fractions of a unit (422), others' methods (404), bad input (400), no token (401)", async () => {
			const { available } = await wallet(seller);
			expect((await api("/payouts", seller, { method: "POST", body: { amount: available + 100, methodId } })).json).to.include({ code: 422, type: "INSUFFICIENT_FUNDS" });
			expect((await api("/payouts", seller, { method: "POST", body: { amount: 150, methodId } })).json).to.include({ code: 422, type: "AMOUNT_NOT_WHOLE_UNITS" });
			expect((await api("/payouts", buyer, { method: "POST", body: { amount: 100, methodId } })).status).to.equal(404);
			expect((await api("/payouts", seller, { method: "POST", body: { amount: -1, methodId } })).status).to.equal(400);
			expect((await api("/payouts", null, { method: "POST", body: { amount: 100, methodId } })).status).to.equal(401);
			expect((await wallet(seller)).available).to.equal(available);
		});

		it("parallel withdrawals never overdraw the wallet", async () => {
			const { available } = await wallet(seller);
			const each = 100_000;
			const n = Math.floor(available / each) + 3;
			const results = await Promise.all(Array.from({ length: n }, () => api("/payouts", seller, { method: "POST", body: { amount: each, methodId } })));
			const accepted = results.filter(r => r.status === 202).length;
			expect(accepted).to.equal(Math.floor(available / each));
			expect(results.filter(r => r.status === 422).length).to.equal(n - accepted);
			expect((await wallet(seller)).available).to.equal(available - accepted * each);
		});

		it("the same idempotency key makes one payout", async () => {
			const key = newId();
			const [a, b] = await Promise.all([1, 2].map(() => api("/payouts", seller, { method: "POST", body: { amount: 100, methodId, idempotencyKey: key } })));
			expect(a.status).to.equal(202);
			expect(b.status).to.equal(202);
			expect(a.json.id).to.equal(b.json.id);
		});
	});
});
