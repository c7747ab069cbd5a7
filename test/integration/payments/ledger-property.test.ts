/**
 * Property (fast-check): any sequence of payments (paid, failed, wrong
 * amount), releases, refunds (wallet or phone), disputes with their
 * resolutions, and payouts (paid or failed) leaves the ledger balanced after
 * every step — entries sum to zero, balances match postings, no wallet,
 * escrow or in-transit account below zero — and every escrow row agrees with
 * its ledger account. Run against the live stack through the same actions,
 * routes and simulators production uses.
 */
import { expect } from "chai";
import fc from "fast-check";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { http } from "../api/http";
import { complete, createIntent, waitForStatus, type Intent } from "./support";

type Step =
	| { kind: "pay"; payer: number; payee: number; units: number; outcome: "success" | "insufficient_funds" | "wrong_amount" }
	| { kind: "release"; pick: number }
	| { kind: "refund"; pick: number; percent: number; to: "wallet" | "provider" }
	| { kind: "dispute"; pick: number; resolution: "release" | "refund" | "split"; percent: number }
	| { kind: "payout"; user: number; units: number; fail: boolean };

const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant("pay" as const), payer: fc.nat(2), payee: fc.nat(2), units: fc.integer({ min: 1, max: 5000 }), outcome: fc.constantFrom("success" as const, "success" as const, "insufficient_funds" as const, "wrong_amount" as const) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("release" as const), pick: fc.nat(20) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("refund" as const), pick: fc.nat(20), percent: fc.integer({ min: 1, max: 100 }), to: fc.constantFrom("wallet" as const, "provider" as const) }) },
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant("dispute" as const), pick: fc.nat(20), resolution: fc.constantFrom("release" as const, "refund" as const, "split" as const), percent: fc.integer({ min: 1, max: 99 }) }) },
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("payout" as const), user: fc.nat(2), units: fc.integer({ min: 1, max: 3000 }), fail: fc.boolean() }) }
);

/** Business refusals a random sequence runs into (nothing to release, already settled, not enough money). */
function expectedRefusal(err: { code?: number }): boolean {
	return err.code === 409 || err.code === 422 || err.code === 404;
}

describe("payments: ledger property (fast-check)", function () {
	this.timeout(600_000);
	let stack: Stack;
	let users: TestUser[];
	const methods: string[] = [];
	/** Steps that moved money, so the property is known to have exercised something. */
	const done: Record<Step["kind"], number> = { pay: 0, release: 0, refund: 0, dispute: 0, payout: 0 };
	const phones: string[] = [];

	before(async () => {
		stack = await getStack();
		users = await Promise.all([0, 1, 2].map(() => createUser(stack)));
		for (const [i, u] of users.entries()) {
			phones[i] = `+2547220${String(Date.now() % 10_000).padStart(4, "0")}${i}`;
			const m = await http(stack.apiUrl, "/api/v1/payments/methods", { method: "POST", token: u.accessToken, body: { type: "mobile_money", provider: "mpesa", phone: phones[i] } });
			expect(m.status, m.text).to.equal(201);
			methods[i] = m.json.id;
		}
	});

	async function assertBalanced(): Promise<void> {
		const report = await stack.broker.call<{ ok: boolean; problems: string[] }, object>("payments.ledgerCheck", {});
		expect(report.problems).to.deep.equal([]);
		const drift = await coreQuery(
			`SELECT e.id FROM payments.escrows e LEFT JOIN payments.accounts a ON a.code = 'escrow:' || e.purpose_type || ':' || e.purpose_id AND a.currency = e.currency
			 WHERE coalesce(a.balance, 0) <> e.collected - e.released - e.commission - e.refunded`
		);
		expect(drift, "escrow rows that disagree with their ledger account").to.deep.equal([]);
	}

	/** Runs one step; false when there was nothing it could act on. */
	async function run(s: Step, paid: Intent[]): Promise<boolean> {
		const pick = (n: number) => paid[n % Math.max(1, paid.length)];
		switch (s.kind) {
			case "pay": {
				const payee = s.payee === s.payer ? (s.payer + 1) % 3 : s.payee;
				const intent = await createIntent(stack, { payerId: users[s.payer].userId, payeeId: users[payee].userId, provider: "mpesa", amount: s.units * 100 });
				const outcome = s.outcome === "wrong_amount" ? "success" : s.outcome;
				await complete(stack, "mpesa", intent.providerReference!, { outcome, amount: s.outcome === "wrong_amount" ? s.units + 1 : undefined });
				const row = await waitForStatus(intent.id, ["succeeded", "failed"]);
				if (row.status === "succeeded") paid.push(intent);
				return true;
			}
			case "release":
				if (!paid.length) return false;
				await stack.broker.call("payments.releaseEscrow", { purpose: pick(s.pick).purpose });
				return true;
			case "refund": {
				if (!paid.length) return false;
				const intent = pick(s.pick);
				const amount = Math.max(100, Math.floor((intent.amount * s.percent) / 10_000) * 100);
				await stack.broker.call("payments.refund", { purpose: intent.purpose, amount, to: s.to });
				return true;
			}
			case "dispute": {
				if (!paid.length) return false;
				const intent = pick(s.pick);
				await stack.broker.call("payments.freezeEscrow", { purpose: intent.purpose, reason: "property test" });
				const refundAmount = Math.max(1, Math.floor((intent.amount * s.percent) / 100));
				await stack.broker.call("payments.resolveDispute", { purpose: intent.purpose, resolution: s.resolution, refundAmount, to: "wallet" });
				return true;
			}
			case "payout": {
				if (s.fail) await http(stack.apiUrl, "/sim/mpesa/payouts/outcomes", { method: "POST", body: { phone: phones[s.user], outcome: "failed", count: 1 } });
				const res = await http(stack.apiUrl, "/api/v1/payments/payouts", { method: "POST", token: users[s.user].accessToken, body: { amount: s.units * 100, methodId: methods[s.user] } });
				if (res.status === 202) return true;
				if (expectedRefusal(res.json)) return false;
				throw new Error(`payout answered ${res.status}: ${res.text}`);
			}
		}
	}

	it("balances after every step of random payments, releases, refunds, disputes and payouts", async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(step, { minLength: 3, maxLength: 10 }), async steps => {
				const paid: Intent[] = [];
				for (const s of steps) {
					try {
						if (await run(s, paid)) done[s.kind] += 1;
					} catch (err) {
						if (!expectedRefusal(err as { code?: number })) throw err;
					}
					await assertBalanced();
				}
			}),
			{ numRuns: 15, endOnFailure: true }
		);
		expect(done.pay, JSON.stringify(done)).to.be.greaterThan(0);
		expect(done.release + done.refund + done.dispute + done.payout, JSON.stringify(done)).to.be.greaterThan(0);
	});
});
