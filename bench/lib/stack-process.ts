/**
 * A test Stack (test/support/stack.ts) in its own process, so the bench's load
 * generator never shares an event loop with the server it measures. In
 * "single" this process is the server; in "split" it holds the harness's
 * client broker and the three node processes are its children.
 *
 * Environment: BENCH_TOPOLOGY (single | split), BENCH_STACK_ENV (JSON, extra
 * environment for every node). IPC: sends { type: "ready", apiUrl }; answers
 * { type: "call", id, action, params } with { type: "reply", id, result | error };
 * { type: "publish", id, eventType, data } sends one durable event (makeEnvelope) with
 * broker.sendToChannel and answers { type: "reply", id, result: envelope id | error };
 * stops on { type: "stop" } or when the parent goes away.
 */
import fs from "node:fs";
import path from "node:path";
import { Stack } from "../../test/support/stack";
import { RUN_ID, type Topology } from "../../test/support/environment";
import { createUser } from "../../test/support/users";
import { makeEnvelope } from "../../lib/events/envelope";
import type { EventData, EventType } from "../../lib/events/catalogue";

interface CallMessage {
	type: "call";
	id: number;
	action: string;
	params: unknown;
}

interface PublishMessage {
	type: "publish";
	id: number;
	eventType: EventType;
	data: EventData<EventType>;
}

async function main() {
	const topology = (process.env.BENCH_TOPOLOGY === "split" ? "split" : "single") as Topology;
	const env = JSON.parse(process.env.BENCH_STACK_ENV ?? "{}") as Record<string, string>;
	const stack = new Stack(topology, { env });

	let stopping: Promise<void> | null = null;
	const stop = () => {
		stopping ??= (async () => {
			await stack.stop().catch(err => process.stderr.write(`bench stack stop: ${(err as Error).message}\n`));
			// The single topology's embedded S3 keeps its (empty) folder under .test-data/<run>.
			fs.rmSync(path.resolve(".test-data", RUN_ID), { recursive: true, force: true });
			process.exit(0);
		})();
		return stopping;
	};
	process.on("disconnect", () => void stop());
	process.on("SIGTERM", () => void stop());
	process.on("SIGINT", () => void stop());
	process.on("message", (msg: { type: "stop" } | CallMessage | PublishMessage) => {
		if (msg.type === "stop") void stop();
		if (msg.type === "publish") {
			const { id, eventType, data } = msg;
			const envelope = makeEnvelope(eventType, data);
			const broker = stack.broker as unknown as { sendToChannel(name: string, payload: unknown): Promise<void> };
			broker.sendToChannel(eventType, envelope).then(
				() => process.send?.({ type: "reply", id, result: envelope.id }),
				err => process.send?.({ type: "reply", id, error: (err as Error).message })
			);
		}
		if (msg.type === "call") {
			const { id, action, params } = msg;
			// "bench.createUser": a real account (register → SMS code → verify), answered with its access token.
			const work = action === "bench.createUser" ? createUser(stack).then(u => u.accessToken) : stack.broker.call(action, params);
			work.then(
				result => process.send?.({ type: "reply", id, result }),
				err => process.send?.({ type: "reply", id, error: (err as Error).message })
			);
		}
	});

	await stack.start();
	process.send?.({ type: "ready", apiUrl: stack.apiUrl });
}

main().catch(err => {
	process.stderr.write(`bench stack failed to start: ${(err as Error).stack ?? err}\n`);
	process.exit(1);
});
