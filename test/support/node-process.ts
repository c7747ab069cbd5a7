/**
 * One node of the split test topology, run as a child process by the stack.
 * It reports its ports to the parent over IPC and stops cleanly on SIGTERM.
 */
import type { Server } from "node:http";
import { startNode } from "../../lib/node/bootstrap";
// Test-only notification mappings must exist before the notifications service subscribes.
import "../fixtures/notifications";

async function main() {
	const services = (process.env.TEST_NODE_SERVICES ?? "").split(",").filter(Boolean);
	const fixtures = (process.env.TEST_NODE_FIXTURES ?? "").split(",").filter(Boolean);
	const node = await startNode({ services, extraServiceFiles: fixtures, log: () => undefined });
	const api = node.broker.getLocalService("api") as unknown as { server?: Server } | undefined;
	const address = api?.server?.address();
	process.send?.({ type: "ready", healthPort: node.healthPort, apiPort: address && typeof address === "object" ? address.port : null });
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		await node.stop().catch(() => undefined);
		process.exit(0);
	};
	process.on("SIGTERM", () => void stop());
	process.on("disconnect", () => void stop());
}

main().catch(err => {
	process.stderr.write(`test node failed: ${(err as Error).stack}\n`);
	process.exit(1);
});
