/** Every node's health port: liveness, readiness reflecting its own dependencies, metrics. */
import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../../../moleculer.config";
import { startHealthServer } from "../../../lib/node/health-server";
import { registerReadinessCheck } from "../../../lib/node/readiness";
import { acquireRedis, releaseRedis } from "../../../lib/redis";
import { getStack, type Stack } from "../../support/stack";

describe("node health port", function () {
	this.timeout(30_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
	});

	it("answers liveness, readiness and metrics on every node", async () => {
		const ports = stack.healthPorts();
		expect(Object.keys(ports)).to.have.length(stack.topology === "split" ? 4 : 1);
		for (const [node, port] of Object.entries(ports)) {
			const live = await fetch(`http://127.0.0.1:${port}/health/live`);
			expect(live.status, `${node} live`).to.equal(200);
			const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
			const body = (await ready.json()) as { ready: boolean; checks: Record<string, { ok: boolean }> };
			expect(ready.status, `${node} ready`).to.equal(200);
			expect(body.ready).to.equal(true);
			expect(body.checks.broker.ok).to.equal(true);
			if (stack.topology === "split") expect(body.checks.transporter.ok).to.equal(true);
			const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
			expect(metrics.status).to.equal(200);
			expect(metrics.headers.get("content-type")).to.contain("text/plain");
			expect(await metrics.text()).to.match(/^moleculer_registry_services_total\{/m);
		}
	});

	it("reports 503 naming the dependency that is down", async () => {
		const broker = new ServiceBroker({ ...brokerOptions({ ...stack.config, transporter: null, nodeId: "health-probe" }), logger: false });
		await broker.start();
		// A Redis that is not there: nothing listens on port 1.
		const url = "redis://127.0.0.1:1/0";
		const redis = acquireRedis(url);
		registerReadinessCheck(broker, "redis", async () => {
			await redis.ping();
		});
		const server = await startHealthServer(broker, "127.0.0.1", 0);
		try {
			const res = await fetch(`http://127.0.0.1:${server.port}/health/ready`);
			expect(res.status).to.equal(503);
			const body = (await res.json()) as { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> };
			expect(body.ready).to.equal(false);
			expect(body.checks.redis.ok).to.equal(false);
			expect(body.checks.broker.ok).to.equal(true);
			expect((await fetch(`http://127.0.0.1:${server.port}/health/live`)).status).to.equal(200);
			expect((await fetch(`http://127.0.0.1:${server.port}/nope`)).status).to.equal(404);
		} finally {
			await server.close();
			await broker.stop();
			redis.disconnect();
			await releaseRedis(url);
		}
	});
});
