/**
 * Starts gateway nodes for the api tests: a real broker with the `api`
 * service, the stand-in `auth` and the `fixtures` routes, listening on a free
 * port, against the real Redis (unique namespace per run) and, for the
 * multi-node case, RabbitMQ.
 *
 * Interim: the shared harness (test/support/stack.ts) will replace this; the
 * tests only use what this file exports.
 */
import crypto from "node:crypto";
import path from "node:path";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { loadConfig, type ResolvedConfig } from "../../../lib/config";
import { openSessionRevocations, type SessionRevocations } from "../../../lib/auth/session-revocations";
import { RequestContextMiddleware } from "../../../lib/observability/request-context";
import ApiService from "../../../services/api/api.service";
import { mintAccessToken, type MintClaims } from "../../fixtures/services/auth.service";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
export const AMQP_URL = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
const PG_URL = "postgres://postgres@127.0.0.1:5432/postgres";

const FIXTURES = path.resolve(__dirname, "../../fixtures/services");

export interface NodeOptions {
	namespace?: string;
	nodeId?: string;
	/** Use Redis for rate limits and revocations (default true). */
	redis?: boolean;
	/** Connect through RabbitMQ (multi-node). */
	transporter?: boolean;
	/** Which services this node runs (default all three). */
	services?: ("api" | "auth" | "fixtures")[];
	env?: Record<string, string>;
	/** Settings merged over the api service's (e.g. faster WebSocket sweeps). */
	apiSettings?: Record<string, unknown>;
}

export interface GatewayNode {
	broker: ServiceBroker;
	config: ResolvedConfig;
	/** http://127.0.0.1:<port> (undefined on a node without `api`). */
	baseUrl: string;
	stop(): Promise<void>;
}

export interface GatewayStack extends GatewayNode {
	namespace: string;
	mint(claims: MintClaims): Promise<string>;
	revocations: SessionRevocations;
}

export function uniqueNamespace(): string {
	return `t-api-${crypto.randomBytes(5).toString("hex")}`;
}

/** Waits until the gateway on this broker has generated the route for `action`. */
export async function waitForRoute(broker: ServiceBroker, action: string, timeoutMs = 10_000): Promise<void> {
	const api = broker.getLocalService("api") as unknown as { aliases?: { action?: string }[] };
	const deadline = Date.now() + timeoutMs;
	while (!api.aliases?.some(a => a.action === action)) {
		if (Date.now() > deadline) throw new Error(`route for ${action} not generated within ${timeoutMs} ms`);
		await new Promise(r => setTimeout(r, 25));
	}
}

/** Waits until this broker has discovered another node (and with it, that node's services). */
export async function waitForNode(broker: ServiceBroker, nodeId: string, timeoutMs = 20_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!broker.registry.nodes.get(nodeId)?.available) {
		if (Date.now() > deadline) throw new Error(`node ${nodeId} not discovered within ${timeoutMs} ms`);
		await new Promise(r => setTimeout(r, 25));
	}
}

export async function startGatewayNode(opts: NodeOptions = {}): Promise<GatewayNode> {
	const services = opts.services ?? ["api", "auth", "fixtures"];
	const config = loadConfig({
		NODE_ENV: "test",
		PORT: "0",
		HOST: "127.0.0.1",
		DATABASE_URL: PG_URL,
		NOTIF_DATABASE_URL: PG_URL,
		NAMESPACE: opts.namespace ?? uniqueNamespace(),
		NODE_ID: opts.nodeId ?? `node-${crypto.randomBytes(3).toString("hex")}`,
		...(opts.redis === false ? {} : { REDIS_URL }),
		...(opts.transporter ? { TRANSPORTER: AMQP_URL } : {}),
		...opts.env
	}) as ResolvedConfig;

	const broker = new ServiceBroker({
		namespace: config.namespace,
		nodeID: config.nodeId,
		logger: false,
		transporter: config.transporter
			? { type: "AMQP", options: { url: config.transporter, socketOptions: { noDelay: true }, prefetch: 100, autoDeleteQueues: 10_000 } }
			: undefined,
		heartbeatInterval: 2,
		middlewares: [RequestContextMiddleware],
		nexgate: config
	} as ConstructorParameters<typeof ServiceBroker>[0]);

	if (services.includes("api")) {
		broker.createService(opts.apiSettings ? ({ mixins: [ApiService], settings: opts.apiSettings } as unknown as ServiceSchema) : (ApiService as unknown as ServiceSchema));
	}
	if (services.includes("auth")) broker.loadService(path.join(FIXTURES, "auth.service.ts"));
	if (services.includes("fixtures")) broker.loadService(path.join(FIXTURES, "fixtures.service.ts"));

	await broker.start();
	let baseUrl = "";
	if (services.includes("api")) {
		const address = await broker.call<{ url: string }, Record<string, never>>("api.address", {}, { nodeID: broker.nodeID });
		baseUrl = address.url;
	}
	return { broker, config, baseUrl, stop: () => broker.stop() };
}

/** One process with everything: the usual setup of the api tests. */
export async function startGatewayStack(opts: NodeOptions = {}): Promise<GatewayStack> {
	const node = await startGatewayNode(opts);
	await node.broker.waitForServices(["auth", "fixtures"]);
	await waitForRoute(node.broker, "fixtures.things");
	const revocations = openSessionRevocations({ redisUrl: node.config.redisUrl, namespace: node.config.namespace });
	return {
		...node,
		namespace: node.config.namespace,
		mint: claims => mintAccessToken(node.broker, claims),
		revocations,
		stop: async () => {
			await revocations.close();
			await node.stop();
		}
	};
}
