/** Operators' REPL commands, run against the live stack. */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { runReplCommand } from "../../support/repl";
import { getStack, type Stack } from "../../support/stack";
import { createUser } from "../../support/users";
import { waitFor } from "../../support/wait";


describe("REPL commands", function () {
	this.timeout(30_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
	});

	it("node-config shows the node's configuration without secrets", async () => {
		const out = await runReplCommand(stack, "node-config");
		const shown = JSON.parse(out) as { namespace: string; databaseUrl: string; s3: { secretKey: string } | null };
		expect(shown.namespace).to.equal(stack.config.namespace);
		if (stack.config.s3) expect(shown.s3?.secretKey).to.equal("***");
		expect(shown.databaseUrl).to.equal(stack.config.databaseUrl.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@"));
	});

	it("dead-letters lists and dead-letters-retry re-queues (nothing to do on a clean queue)", async () => {
		const listed = await runReplCommand(stack, "dead-letters", { options: { limit: 5 } });
		expect(() => JSON.parse(listed)).to.not.throw();
		const retried = await runReplCommand(stack, "dead-letters-retry", { filter: "no.such.event" });
		expect(retried).to.equal("Re-queued 0 message(s).");
	});

	it("suspend-user suspends in an administrator's name (sessions end), reinstate-user lifts it; a non-admin cannot", async () => {
		const [admin, user] = await Promise.all([createUser(stack), createUser(stack)]);
		// Operators sign in with an administrator account (npm run create-admin); here one is promoted directly.
		await coreQuery("UPDATE auth.accounts SET roles = ARRAY['user','admin'] WHERE id = $1", [admin.userId]);
		const me = () => fetch(`${stack.apiUrl}/api/v1/auth/me`, { headers: user.headers });
		expect((await me()).status).to.equal(200);

		const out = await runReplCommand(stack, "suspend-user", { userId: user.userId, adminId: admin.userId, reason: ["chargeback", "fraud"] });
		expect(out).to.equal(`Account ${user.userId} is suspended.`);
		const [row] = await coreQuery<{ status: string; status_reason: string; status_changed_by: string }>(
			"SELECT status, status_reason, status_changed_by FROM auth.accounts WHERE id = $1",
			[user.userId]
		);
		expect(row).to.deep.equal({ status: "suspended", status_reason: "chargeback fraud", status_changed_by: admin.userId });
		// Gateways reuse a "not revoked" answer for up to 500 ms (services/api/README.md).
		await waitFor(async () => (await me()).status === 401, "the suspended user's token to be refused", 2_000);

		expect(await runReplCommand(stack, "reinstate-user", { userId: user.userId, adminId: admin.userId })).to.equal(`Account ${user.userId} is active.`);

		const notAdmin = await createUser(stack);
		let refused: { type?: string } | null = null;
		await runReplCommand(stack, "suspend-user", { userId: user.userId, adminId: notAdmin.userId }).catch(err => (refused = err as { type?: string }));
		expect(refused).to.include({ type: "NOT_AN_ADMINISTRATOR" });
		expect((await coreQuery<{ status: string }>("SELECT status FROM auth.accounts WHERE id = $1", [user.userId]))[0].status).to.equal("active");
	});
});
