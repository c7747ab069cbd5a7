/**
 * A test Stack (bench/lib/stack-process.ts) in a child process, driven over
 * IPC: broker calls, durable-event publishes, and the run's notif database URL.
 */
import crypto from "node:crypto";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { forkTs, nextMessage, stopChild } from "./processes";
import type { BenchContext } from "./types";
import type { EventData, EventType } from "../../lib/events/catalogue";

export interface BenchStack {
	proc: ChildProcess;
	baseUrl: string;
	notifDatabaseUrl: string;
	call<T>(action: string, params: unknown): Promise<T>;
	publish<T extends EventType>(eventType: T, data: EventData<T>): Promise<string>;
	stop(): Promise<void>;
}

export async function startBenchStack(ctx: BenchContext, topology: "single" | "split", env: Record<string, string>): Promise<BenchStack> {
	// The stack names its databases after TEST_RUN_ID (test/support/environment.ts): chosen here, so the bench can read them.
	const runId = `bench${Date.now().toString(36)}${crypto.randomBytes(3).toString("hex")}`;
	const pgBase = (process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432").replace(/\/$/, "");
	const proc = forkTs(path.resolve(__dirname, "..", "lib", "stack-process.ts"), {
		BENCH_TOPOLOGY: topology,
		BENCH_STACK_ENV: JSON.stringify(env),
		TEST_RUN_ID: runId
	});
	const unregister = ctx.onAbort(() => stopChild(proc));
	const stop = async () => {
		await stopChild(proc);
		unregister();
	};
	let ready: { apiUrl: string };
	try {
		ready = await nextMessage<{ type: string; apiUrl: string }>(proc, "ready", 180_000);
	} catch (err) {
		await stop();
		throw err;
	}
	let nextId = 0;
	// One listener for every reply: (a) keeps dozens of publishes in flight.
	const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; what: string }>();
	proc.on("message", (reply: { type: string; id: number; result?: unknown; error?: string }) => {
		const waiting = reply.type === "reply" ? pending.get(reply.id) : undefined;
		if (!waiting) return;
		pending.delete(reply.id);
		if (reply.error) waiting.reject(new Error(`${waiting.what}: ${reply.error}`));
		else waiting.resolve(reply.result);
	});
	const request = <T>(msg: Record<string, unknown>, what: string) =>
		new Promise<T>((resolve, reject) => {
			const id = ++nextId;
			pending.set(id, { resolve: resolve as (v: unknown) => void, reject, what });
			proc.send({ ...msg, id });
		});
	return {
		proc,
		baseUrl: ready.apiUrl,
		notifDatabaseUrl: `${pgBase}/nexgate_test_${runId}_notif`,
		call: (action, params) => request({ type: "call", action, params }, action),
		publish: (eventType, data) => request<string>({ type: "publish", eventType, data }, `publish ${eventType}`),
		stop
	};
}
