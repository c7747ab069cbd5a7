/**
 * Every node's small HTTP port for Kubernetes and Prometheus:
 *   GET /health/live   200 while the process answers
 *   GET /health/ready  200 when this node's dependencies are up, else 503
 *   GET /metrics       Prometheus exposition of this node's metrics
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceBroker } from "moleculer";
import { readiness } from "./readiness";
import type { NodePrometheusReporter } from "../observability/prometheus";

export interface HealthServer {
	port: number;
	close(): Promise<void>;
}

function metricsReporter(broker: ServiceBroker): NodePrometheusReporter | undefined {
	const reporters = (broker.metrics as unknown as { reporter?: unknown[] }).reporter ?? [];
	return reporters.find(r => typeof (r as NodePrometheusReporter).render === "function") as NodePrometheusReporter | undefined;
}

export async function startHealthServer(broker: ServiceBroker, host: string, port: number): Promise<HealthServer> {
	const server = http.createServer(async (req, res) => {
		const url = (req.url ?? "/").split("?")[0];
		const send = (status: number, body: unknown, type = "application/json") => {
			res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
			res.end(typeof body === "string" ? body : JSON.stringify(body));
		};
		if (req.method !== "GET") return send(405, { name: "MethodNotAllowed", message: "GET only", code: 405 });
		if (url === "/health/live") return send(200, { status: "ok", nodeID: broker.nodeID });
		if (url === "/health/ready") {
			const report = await readiness(broker);
			return send(report.ready ? 200 : 503, { status: report.ready ? "ok" : "unavailable", nodeID: broker.nodeID, ...report });
		}
		if (url === "/metrics") {
			const reporter = metricsReporter(broker);
			if (!reporter) return send(404, { name: "NotFound", message: "metrics are disabled", code: 404 });
			return send(200, reporter.render(), "text/plain; version=0.0.4; charset=utf-8");
		}
		send(404, { name: "NotFound", message: "Not found", code: 404 });
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, host, () => resolve());
	});
	return {
		port: (server.address() as AddressInfo).port,
		close: () => new Promise(resolve => server.close(() => resolve()))
	};
}
