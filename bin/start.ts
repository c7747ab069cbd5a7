/**
 * `npm start`: one Nexgate node. With no configuration that is the whole
 * platform in one process on embedded defaults; with TRANSPORTER and SERVICES
 * it is one node of a split deployment. `--repl` opens the Moleculer REPL with
 * the operators' commands once the node is up.
 */
import { ConfigError } from "../lib/config";
import { startNode, type NodeHandle } from "../lib/node/bootstrap";
import { replCommands } from "../lib/repl/commands";

async function main() {
	const withRepl = process.argv.includes("--repl");
	let node: NodeHandle | null = null;
	let stopRequested: string | null = null;

	const stop = async (current: NodeHandle, signal: string) => {
		process.stdout.write(`\n${signal} received: stopping (waiting for running requests)\n`);
		const force = setTimeout(() => process.exit(1), current.config.shutdownTimeoutMs + 10_000);
		force.unref();
		try {
			await current.stop();
			process.exit(0);
		} catch (err) {
			process.stderr.write(`Shutdown failed: ${(err as Error).message}\n`);
			process.exit(1);
		}
	};
	// Handled from the first moment: a signal during start-up (initdb, migrations) stops the node
	// once it is up, so the embedded PostgreSQL it started is never left running.
	const onSignal = (signal: string) => {
		if (stopRequested) return;
		stopRequested = signal;
		if (node) void stop(node, signal);
		else process.stdout.write(`\n${signal} received while starting: stopping once start-up is done\n`);
	};
	process.on("SIGINT", () => onSignal("SIGINT"));
	process.on("SIGTERM", () => onSignal("SIGTERM"));

	try {
		node = await startNode();
	} catch (err) {
		if (err instanceof ConfigError) {
			process.stderr.write(`${err.message}\nSee docs/configuration.md.\n`);
			process.exit(78); // EX_CONFIG
		}
		throw err;
	}
	if (stopRequested) return stop(node, stopRequested);

	const { config, broker } = node;
	const api = broker.getLocalService("api") as unknown as { server?: import("http").Server } | undefined;
	const apiAddress = api?.server?.address();
	const port = apiAddress && typeof apiAddress === "object" ? apiAddress.port : null;
	process.stdout.write(
		[
			"",
			`Nexgate node ${broker.nodeID} is up (${config.transporter ? "split over RabbitMQ" : "one process"}, ${
				config.services ? config.services.join(",") : "all services"
			})`,
			port ? `  API:       http://localhost:${port}/api/v1` : "  API:       not on this node",
			port ? `  API docs:  http://localhost:${port}/api/docs` : "",
			`  Health:    http://localhost:${node.healthPort}/health/ready`,
			""
		]
			.filter(l => l !== "")
			.join("\n") + "\n"
	);

	if (withRepl) {
		(broker as unknown as { repl(opts?: object): void }).repl({ customCommands: replCommands(node) });
	}
}

main().catch(err => {
	process.stderr.write(`Nexgate failed to start: ${(err as Error).stack ?? err}\n`);
	process.exit(1);
});
