/**
 * The ledger under concurrency, on the real PostgreSQL: parallel entries
 * against one wallet never overdraw it or lose an update, a repeated external
 * id posts nothing, and the invariant check sees a break made behind its back.
 * Then the operators' REPL commands over the broker.
 */
import { expect } from "chai";
import { Sequelize } from "sequelize";
import { newId } from "../../../lib/ids";
import { accounts, transfer } from "../../../services/payments/rules/ledger";
import { balanceOf, checkInvariants, post } from "../../../services/payments/store/ledger";
import { CORE_URL } from "../../support/environment";
import { runReplCommand } from "../../support/repl";
import { getStack, type Stack } from "../../support/stack";

describe("payments: ledger", function () {
	this.timeout(60_000);
	let stack: Stack;
	let sequelize: Sequelize;

	before(async () => {
		stack = await getStack();
		sequelize = new Sequelize(CORE_URL, { logging: false, pool: { max: 20 } });
	});
	after(() => sequelize.close());

	const postIn = (entry: Parameters<typeof post>[1]) => sequelize.transaction(t => post({ sequelize, t }, entry));

	it("serialises parallel debits of one wallet: exactly what it holds goes out, nothing is lost", async () => {
		const user = newId();
		const wallet = accounts.wallet(user);
		await postIn({ externalId: `test:fund:${user}`, kind: "test", currency: "UGX", legs: transfer(accounts.clearing("test"), wallet, 1000) });
		const results = await Promise.allSettled(
			Array.from({ length: 30 }, (_, i) => postIn({ externalId: `test:spend:${user}:${i}`, kind: "test", currency: "UGX", legs: transfer(wallet, accounts.feeRevenue(), 100) }))
		);
		expect(results.filter(r => r.status === "fulfilled")).to.have.length(10);
		for (const r of results.filter(r => r.status === "rejected")) expect((r as PromiseRejectedResult).reason).to.include({ code: 422, type: "INSUFFICIENT_FUNDS" });
		expect(await balanceOf({ sequelize }, wallet.code, "UGX")).to.equal(0);
	});

	it("posts an external id once, however often and concurrently it is sent", async () => {
		const user = newId();
		const externalId = `test:once:${user}`;
		const results = await Promise.all(Array.from({ length: 10 }, () => postIn({ externalId, kind: "test", currency: "RWF", legs: transfer(accounts.clearing("test"), accounts.wallet(user), 700) })));
		expect(results.filter(r => r.created)).to.have.length(1);
		expect(new Set(results.map(r => r.transactionId)).size).to.equal(1);
		expect(await balanceOf({ sequelize }, accounts.wallet(user).code, "RWF")).to.equal(700);
	});

	it("the invariant check finds a balance edited behind the ledger's back", async () => {
		expect((await checkInvariants({ sequelize })).ok).to.equal(true);
		const user = newId();
		await postIn({ externalId: `test:tamper:${user}`, kind: "test", currency: "TZS", legs: transfer(accounts.clearing("test"), accounts.wallet(user), 500) });
		await sequelize.query("UPDATE payments.accounts SET balance = balance + 1 WHERE code = :code", { replacements: { code: accounts.wallet(user).code } });
		const broken = await checkInvariants({ sequelize });
		expect(broken.ok).to.equal(false);
		expect(broken.problems.join("\n")).to.contain(accounts.wallet(user).code).and.contain("sum to 1");
		await sequelize.query("UPDATE payments.accounts SET balance = balance - 1 WHERE code = :code", { replacements: { code: accounts.wallet(user).code } });
		expect((await checkInvariants({ sequelize })).ok).to.equal(true);
	});

	it("REPL ledger-check and payments-reconciliation run through the broker", async () => {
		const check = JSON.parse(await runReplCommand(stack, "ledger-check")) as { ok: boolean; transactions: number; totals: Record<string, number> };
		expect(check.ok).to.equal(true);
		expect(check.transactions).to.be.greaterThan(0);
		expect(Object.values(check.totals).every(v => v === 0)).to.equal(true);
		const report = JSON.parse(await runReplCommand(stack, "payments-reconciliation")) as { ledger: { ok: boolean }; flaggedIntents: unknown[]; unconfirmedCallbacks: unknown[] };
		expect(report.ledger.ok).to.equal(true);
		expect(report.flaggedIntents).to.be.an("array");
		expect(report.unconfirmedCallbacks).to.be.an("array");
	});
});
