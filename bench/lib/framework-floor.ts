/**
 * The framework's floor for gateway-auth: moleculer + moleculer-web with their
 * defaults, one action answering the same `{ user, requestId }` JSON as
 * `fixtures.whoami`, and nothing of the platform's: no authentication, no
 * revocation check, no rate limit, no request-id header, no metrics, no
 * request context. What no gateway built on this stack can beat on this
 * machine, so the platform's own per-request cost reads as (a) against (d).
 * Sends { type: "ready", port } over IPC.
 */
import crypto from "node:crypto";
import { ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";

const user = { userId: crypto.randomUUID(), sessionId: crypto.randomUUID(), roles: ["user"] };
const broker = new ServiceBroker({ logger: false, metrics: false, tracing: false });

broker.createService({
	name: "fixtures",
	actions: {
		whoami: {
			rest: "GET /me",
			handler(ctx) {
				return { user, requestId: ctx.requestID };
			}
		}
	}
});

const api = broker.createService({
	name: "api",
	mixins: [ApiGateway],
	settings: { port: 0, ip: "127.0.0.1", logRequest: null, logResponse: null, routes: [{ path: "/api/v1", autoAliases: true, mappingPolicy: "restrict" }] }
}) as unknown as { server: import("node:http").Server };

void broker.start().then(async () => {
	// autoAliases are generated shortly after the services are known.
	await new Promise(r => setTimeout(r, 1000));
	const address = api.server.address();
	process.send?.({ type: "ready", port: address && typeof address === "object" ? address.port : 0 });
});

const stop = () => void broker.stop().then(() => process.exit(0));
process.on("message", (msg: { type?: string }) => {
	if (msg?.type === "stop") stop();
});
process.on("disconnect", stop);
process.on("SIGTERM", stop);
