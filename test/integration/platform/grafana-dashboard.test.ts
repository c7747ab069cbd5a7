/**
 * The Grafana dashboard (k8s/base/observability/nexgate-dashboard.json) charts
 * only metrics the platform really exposes: every metric a panel queries is
 * on some node's /metrics, or is a business counter of the catalogue (those
 * register on first use, so a fresh node may not show them yet).
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { BUSINESS_METRICS } from "../../../lib/observability/business-metrics";
import { getStack, type Stack } from "../../support/stack";

const DASHBOARD = path.resolve(__dirname, "..", "..", "..", "k8s", "base", "observability", "nexgate-dashboard.json");

interface Dashboard {
	uid: string;
	panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
}

/** Metric names in a PromQL expression: identifiers followed by `{` (every query here selects by namespace). */
function metricsIn(expr: string): string[] {
	return [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{/g)].map(m => m[1]);
}

/** Histogram series names map back to the metric that produces them. */
function baseName(name: string): string {
	return name.replace(/_(bucket|sum|count)$/, "");
}

describe("Grafana dashboard", function () {
	this.timeout(30_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
	});

	it("queries only metrics that the nodes expose or the business catalogue defines", async () => {
		// An action error registers moleculer_request_error_total on the node that ran the action.
		const res = await fetch(`${stack.apiUrl}/api/v1/notifications/unread-count`);
		expect(res.status).to.equal(401);
		await stack.broker.call("simulators.smsMessages", { to: "not-a-phone", limit: "many" }).catch(() => undefined);

		const exposed = new Set<string>(Object.keys(BUSINESS_METRICS));
		for (const port of Object.values(stack.healthPorts())) {
			const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
			for (const m of text.matchAll(/^# TYPE (\S+) /gm)) exposed.add(m[1]);
		}

		const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, "utf8")) as Dashboard;
		expect(dashboard.uid).to.equal("nexgate-platform");
		expect(dashboard.panels.length).to.be.at.least(10);
		const queried = dashboard.panels.flatMap(p => p.targets.flatMap(t => metricsIn(t.expr).map(baseName)));
		expect(queried).to.include.members(["nexgate_notifications_deliveries_total", "nexgate_payments_intents_total", "nexgate_orders_total", "nexgate_feed_fanout_lag_seconds"]);
		const unknown = [...new Set(queried)].filter(name => !exposed.has(name));
		expect(unknown, "metrics the dashboard queries but no node exposes").to.deep.equal([]);
	});
});
