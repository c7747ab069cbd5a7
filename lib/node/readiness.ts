/**
 * What this node needs to serve traffic. Services register a check for each
 * dependency they use (their database, Redis); the health server asks them
 * all. Liveness is only "the event loop answers".
 */
import type { ServiceBroker } from "moleculer";
import { withTimeout } from "../timeout";

export type ReadinessCheck = () => Promise<void>;

const checks = new WeakMap<ServiceBroker, Map<string, ReadinessCheck>>();

export function registerReadinessCheck(broker: ServiceBroker, name: string, check: ReadinessCheck) {
	let map = checks.get(broker);
	if (!map) checks.set(broker, (map = new Map()));
	map.set(name, check);
}

export interface ReadinessReport {
	ready: boolean;
	checks: Record<string, { ok: boolean; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

export async function readiness(broker: ServiceBroker): Promise<ReadinessReport> {
	const report: ReadinessReport = { ready: true, checks: {} };
	const all = new Map(checks.get(broker) ?? []);
	all.set("broker", async () => {
		if (!broker.started) throw new Error("broker not started");
	});
	if (broker.transit) {
		all.set("transporter", async () => {
			if (!broker.transit!.connected) throw new Error("transporter disconnected");
		});
	}
	await Promise.all(
		[...all].map(async ([name, check]) => {
			try {
				await withTimeout(check(), CHECK_TIMEOUT_MS, "timed out");
				report.checks[name] = { ok: true };
			} catch (err) {
				report.ready = false;
				report.checks[name] = { ok: false, error: (err as Error).message };
			}
		})
	);
	return report;
}
