/**
 * The running platform the integration tests talk to, in the topology chosen
 * by TEST_TOPOLOGY:
 *   single  every service in one broker in this process (the embedded shape)
 *   split   four node processes (the deployments' node groups) over RabbitMQ
 *           with the Redis cacher, and a client broker here for calling actions
 * Started once per run, on first use; tests can take a service's node down and
 * bring it back to prove durability.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../../moleculer.config";
import { loadConfig, type ResolvedConfig } from "../../lib/config";
import { runMigrations, startNode, type NodeHandle } from "../../lib/node/bootstrap";
import { startEmbeddedS3, type EmbeddedS3 } from "../../lib/embedded/s3";
import { availableServices } from "../../lib/node/services";
import { cleanRabbit, cleanRedis } from "./cleanup";
import { AMQP_URL, createDatabases, dropDatabases, NAMESPACE, nodeEnv, REDIS_URL, TOPOLOGY, type Topology } from "./environment";

const FIXTURES = path.resolve(__dirname, "..", "fixtures");
const fixture = (name: string) => path.join(FIXTURES, "services", `${name}.service.ts`);

/** Which services run on which node in split mode, and the test fixtures each node carries. */
const GROUPS: Record<string, { services: string[]; fixtures: string[] }> = {
	// files runs beside api: multipart bytes stay in-process (docs/files.md).
	gateway: { services: ["api", "files"], fixtures: [] },
	core: { services: ["auth", "users", "payments"], fixtures: ["eventsource"] },
	// Alone, as in the deployments: it can restart while every other domain keeps working.
	notifications: { services: ["notifications"], fixtures: [] },
	business: { services: ["commerce", "events", "social", "messages"], fixtures: ["eventsink", "fixtures", "filecheck", "paymentsink"] }
};

/** The groups, keeping only the domains that exist so far. */
function presentGroups() {
	const available = new Set(availableServices());
	const groups: Record<string, { services: string[]; fixtures: string[] }> = {};
	for (const [name, g] of Object.entries(GROUPS)) groups[name] = { services: g.services.filter(s => available.has(s)), fixtures: [...g.fixtures] };
	return groups;
}

interface ChildNode {
	name: string;
	proc: ChildProcess;
	apiPort: number | null;
	healthPort: number;
}

export interface StackOptions {
	/** Extra environment for every node (the bench relaxes rate limits this way). */
	env?: Record<string, string>;
}

export class Stack {
	apiUrl = "";
	broker!: ServiceBroker;
	config!: ResolvedConfig;
	private single: NodeHandle | null = null;
	private children = new Map<string, ChildNode>();
	private groups = presentGroups();
	/** One object store for the run: every node and every presigned URL use the same endpoint. */
	private s3: EmbeddedS3 | null = null;

	constructor(readonly topology: Topology = TOPOLOGY, private readonly opts: StackOptions = {}) {}

	async start(): Promise<void> {
		await createDatabases();
		try {
			this.s3 = await startEmbeddedS3(path.join(nodeEnv(this.topology).DATA_DIR, "run-s3"), 0);
			await this.startNodes();
		} catch (err) {
			await this.stop().catch(() => undefined);
			throw err;
		}
	}

	/** Settings every node starts with: the run's object store, then the caller's extras. */
	private extraEnv(): Record<string, string> {
		const s3: Record<string, string> = this.s3
			? { S3_ENDPOINT: this.s3.endpoint, S3_ACCESS_KEY: this.s3.accessKey, S3_SECRET_KEY: this.s3.secretKey, S3_BUCKET: this.s3.bucket, S3_REGION: this.s3.region }
			: {};
		return { ...s3, ...this.opts.env };
	}

	private async startNodes(): Promise<void> {
		const env = nodeEnv(this.topology, this.extraEnv());
		const base = loadConfig(env) as ResolvedConfig;
		await runMigrations(base, [path.join(FIXTURES, "migrations")]);
		if (this.topology === "single") {
			const all = Object.values(this.groups);
			this.single = await startNode({
				env,
				services: all.flatMap(g => g.services),
				extraServiceFiles: all.flatMap(g => g.fixtures).map(fixture),
				log: () => undefined
			});
			this.broker = this.single.broker;
			this.config = this.single.config;
			if (this.single.broker.getLocalService("api")) {
				this.apiUrl = `http://127.0.0.1:${this.singleApiPort()}`;
				await this.routesReady();
			}
			return;
		}
		await Promise.all(Object.keys(this.groups).map(name => this.spawn(name)));
		this.config = base;
		this.broker = new ServiceBroker(brokerOptions({ ...base, nodeId: `${base.namespace}-client` }));
		await this.broker.start();
		await this.broker.waitForServices(this.groups.gateway.services);
		const gateway = this.children.get("gateway");
		this.apiUrl = `http://127.0.0.1:${gateway?.apiPort}`;
		await this.routesReady();
	}

	/**
	 * The gateway builds its routes from the services it sees, debounced by
	 * moleculer-web (500 ms): wait until every service with REST actions has
	 * its routes in the OpenAPI document, so no test meets a 404 at start.
	 */
	private async routesReady(): Promise<void> {
		const list = this.broker.registry.getServiceList({ withActions: true }) as unknown as Array<{ name: string; actions: Record<string, { rest?: unknown }> }>;
		const withRest = [...new Set(list.filter(s => s.name !== "api" && Object.values(s.actions ?? {}).some(a => a.rest)).map(s => s.name))];
		const deadline = Date.now() + 20_000;
		for (;;) {
			const doc = (await (await fetch(`${this.apiUrl}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
			const paths = Object.keys(doc.paths ?? {});
			if (withRest.every(name => paths.some(p => p.startsWith(`/api/v1/${name}`)))) return;
			if (Date.now() > deadline) throw new Error(`the gateway did not publish routes for ${withRest.join(", ")}`);
			await new Promise(r => setTimeout(r, 100));
		}
	}

	/** The node ids / ports in use, for tests that talk to a node's health port. */
	healthPorts(): Record<string, number> {
		if (this.single) return { single: this.single.healthPort };
		return Object.fromEntries([...this.children.values()].map(c => [c.name, c.healthPort]));
	}

	/** The health (and metrics) port of the node that runs this service. */
	healthPortOf(service: string): number {
		if (this.single) return this.single.healthPort;
		const child = this.children.get(this.groupOf(service));
		if (!child) throw new Error(`the node running ${service} is down`);
		return child.healthPort;
	}

	/** Takes down whatever runs this service: its node (split) or the service itself (single). */
	async takeDown(service: string): Promise<void> {
		if (this.single) {
			const svc = this.single.broker.getLocalService(service);
			if (svc) await this.single.broker.destroyService(svc);
			return;
		}
		const child = this.children.get(this.groupOf(service));
		if (!child) return;
		await this.kill(child);
	}

	async bringUp(service: string): Promise<void> {
		if (this.single) {
			const file = this.groupsFixture(service) ?? require("../../lib/node/services").serviceFile(require("../../lib/node/services").SERVICES_ROOT, service);
			const svc = this.single.broker.loadService(file);
			await this.single.broker.waitForServices([svc.name]);
			if (this.apiUrl) await this.routesReady();
			return;
		}
		const group = this.groupOf(service);
		await this.spawn(group);
		await this.broker.waitForServices([service], 20_000);
		// A restarted gateway node listens on a new port (PORT=0).
		const gateway = this.children.get("gateway");
		if (group === "gateway" && gateway?.apiPort) this.apiUrl = `http://127.0.0.1:${gateway.apiPort}`;
		if (this.apiUrl) await this.routesReady();
	}

	async stop(): Promise<void> {
		if (this.single) await this.single.stop();
		if (this.broker && !this.single) await this.broker.stop();
		// One node at a time, as a rolling shutdown would: nodes stopping together race each other's goodbyes.
		for (const c of [...this.children.values()]) await this.kill(c);
		await dropDatabases();
		if (this.s3) {
			const dir = path.join(nodeEnv(this.topology).DATA_DIR, "run-s3");
			await this.s3.stop().catch(() => undefined);
			this.s3 = null;
			fs.rmSync(dir, { recursive: true, force: true });
		}
		if (this.topology === "split") {
			await cleanRabbit(AMQP_URL, NAMESPACE).catch(() => undefined);
			await cleanRedis(REDIS_URL, NAMESPACE).catch(() => undefined);
		}
	}

	private groupsFixture(service: string): string | null {
		for (const g of Object.values(this.groups)) if (g.fixtures.includes(service)) return fixture(service);
		return null;
	}

	private groupOf(service: string): string {
		for (const [name, g] of Object.entries(this.groups)) if (g.services.includes(service) || g.fixtures.includes(service)) return name;
		throw new Error(`no node runs ${service}`);
	}

	private singleApiPort(): number {
		const api = this.single!.broker.getLocalService("api") as unknown as { server?: Server } | undefined;
		const address = api?.server?.address();
		if (!address || typeof address !== "object") throw new Error("the api service is not listening");
		return address.port;
	}

	private spawn(name: string): Promise<void> {
		const group = this.groups[name];
		const proc = fork(path.join(__dirname, "node-process.ts"), [], {
			execArgv: ["--require", "tsx/cjs"],
			env: {
				...process.env,
				...nodeEnv(this.topology, { ...this.extraEnv(), NODE_ID: `${name}-${process.pid}` }),
				TEST_NODE_SERVICES: group.services.join(","),
				TEST_NODE_FIXTURES: group.fixtures.map(fixture).join(",")
			},
			stdio: ["ignore", "inherit", "inherit", "ipc"]
		});
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`node ${name} did not start in 60 s`)), 60_000);
			proc.once("exit", code => {
				clearTimeout(timer);
				reject(new Error(`node ${name} exited with ${code} while starting`));
			});
			proc.on("message", (msg: { type: string; apiPort: number | null; healthPort: number }) => {
				if (msg.type !== "ready") return;
				clearTimeout(timer);
				proc.removeAllListeners("exit");
				this.children.set(name, { name, proc, apiPort: msg.apiPort, healthPort: msg.healthPort });
				resolve();
			});
		});
	}

	private kill(child: ChildNode): Promise<void> {
		this.children.delete(child.name);
		if (child.proc.exitCode !== null) return Promise.resolve();
		return new Promise(resolve => {
			const force = setTimeout(() => child.proc.kill("SIGKILL"), 15_000);
			child.proc.once("exit", () => {
				clearTimeout(force);
				resolve();
			});
			child.proc.kill("SIGTERM");
		});
	}
}

let current: Promise<Stack> | null = null;

/** The run's stack, started on first use. */
export function getStack(): Promise<Stack> {
	if (!current) {
		const stack = new Stack();
		current = stack.start().then(() => stack);
	}
	return current;
}

/** Stops the stack if a test started it (root afterAll hook). */
export async function stopStack(): Promise<void> {
	if (!current) return;
	const stack = await current.catch(() => null);
	current = null;
	if (stack) await stack.stop();
}
