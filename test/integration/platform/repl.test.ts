/** Operators' REPL commands, run against the live stack. */
import { expect } from "chai";
import { runReplCommand } from "../../support/repl";
import { getStack, type Stack } from "../../support/stack";


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
});
