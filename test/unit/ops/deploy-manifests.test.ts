/**
 * The deployment files stay true to the code: rendered Kubernetes manifests
 * and docker-compose.yml are checked for probes, resources, graceful
 * termination, the migration step, real service names and documented
 * variables only.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { loadConfig } from "../../../lib/config";
import { availableServices } from "../../../lib/node/services";

const root = path.resolve(__dirname, "..", "..", "..");
const docs = fs.readFileSync(path.join(root, "docs/configuration.md"), "utf8");
const documented = (name: string) => docs.includes(`\`${name}\``);
const SHUTDOWN_S = loadConfig({}).shutdownTimeoutMs / 1000;

function hasCommand(cmd: string, args: string[]): boolean {
	return spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

function render(dir: string): Doc[] {
	const out = execFileSync("kubectl", ["kustomize", path.join(root, dir)], { encoding: "utf8" });
	return parseAllDocuments(out).map(d => d.toJSON());
}

function servicesIn(value: string): string[] {
	return value.split(",").map(s => s.trim()).filter(Boolean);
}

describe("deployment manifests", () => {
	describe("k8s (kubectl kustomize)", function () {
		let docsByKind: Record<string, Doc[]>;
		let configMap: Record<string, string>;

		before(function () {
			if (!hasCommand("kubectl", ["version", "--client"])) {
				// .ci/run has kubectl; a developer machine without it skips, saying so.
				this.skip();
			}
			const rendered = render("k8s/overlays/production");
			docsByKind = {};
			for (const d of rendered) (docsByKind[d.kind] ??= []).push(d);
			configMap = docsByKind.ConfigMap.find((c: Doc) => c.metadata.name === "nexgate-config").data;
			expect(render("k8s/base").length).to.be.greaterThan(5);
		});

		it("gives every Deployment probes on the health port, resources and a grace period above the shutdown wait", () => {
			const shutdownS = Number(configMap.SHUTDOWN_TIMEOUT_MS ?? SHUTDOWN_S * 1000) / 1000;
			expect(docsByKind.Deployment.length).to.be.at.least(2);
			for (const d of docsByKind.Deployment) {
				const spec = d.spec.template.spec;
				const [c] = spec.containers;
				const name = d.metadata.name;
				expect(c.readinessProbe?.httpGet?.path, `${name} readiness`).to.equal("/health/ready");
				expect(c.livenessProbe?.httpGet?.path, `${name} liveness`).to.equal("/health/live");
				expect(c.resources?.requests, `${name} requests`).to.include.all.keys("cpu", "memory");
				expect(c.resources?.limits, `${name} limits`).to.include.all.keys("cpu", "memory");
				const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
				expect(spec.terminationGracePeriodSeconds, `${name} grace`).to.be.greaterThan(shutdownS + preStop);
				expect(d.spec.template.metadata.annotations["prometheus.io/scrape"]).to.equal("true");
			}
		});

		it("runs only services that exist, each in exactly one group", () => {
			const available = availableServices();
			const seen: string[] = [];
			for (const d of docsByKind.Deployment) {
				const env = d.spec.template.spec.containers[0].env as Array<{ name: string; value?: string }>;
				const services = servicesIn(env.find(e => e.name === "SERVICES")?.value ?? "");
				expect(services.length, d.metadata.name).to.be.greaterThan(0);
				for (const s of services) expect(available, `${d.metadata.name} runs ${s}`).to.include(s);
				seen.push(...services);
			}
			expect(new Set(seen).size).to.equal(seen.length);
		});

		it("has the migration Job, PodDisruptionBudgets, the gateway and business autoscalers, Service and Ingress", () => {
			const job = docsByKind.Job.find((j: Doc) => j.metadata.name === "nexgate-migrate");
			expect(job.spec.template.spec.containers[0].command).to.deep.equal(["node", "dist/bin/migrate.js"]);
			const deployments = docsByKind.Deployment.map((d: Doc) => d.metadata.name);
			const pdbTargets = docsByKind.PodDisruptionBudget.map((p: Doc) => p.spec.selector.matchLabels["app.kubernetes.io/name"]);
			expect(pdbTargets.sort()).to.deep.equal([...deployments].sort());
			expect(docsByKind.HorizontalPodAutoscaler.map((h: Doc) => h.spec.scaleTargetRef.name)).to.include.members(["nexgate-gateway", "nexgate-business"]);
			expect(docsByKind.Service.some((s: Doc) => s.metadata.name === "nexgate-gateway")).to.equal(true);
			expect(docsByKind.Ingress[0].spec.rules[0].host).to.equal("api.nexgate.co.tz");
		});

		it("names only documented variables in every container and in the Secret template", () => {
			const names = new Set<string>(Object.keys(configMap));
			for (const d of [...docsByKind.Deployment, ...docsByKind.Job]) {
				for (const c of d.spec.template.spec.containers) for (const e of c.env ?? []) names.add(e.name);
			}
			const secret = parse(fs.readFileSync(path.join(root, "k8s/base/secret.example.yaml"), "utf8"));
			for (const k of Object.keys(secret.stringData)) names.add(k);
			const undocumented = [...names].filter(n => !documented(n));
			expect(undocumented).to.deep.equal([]);
		});
	});

	describe("docker-compose.yml", () => {
		const compose = parse(fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8"), { merge: true });
		const nodes = Object.entries(compose.services as Record<string, Doc>).filter(([, s]) => s.image === "nexgate:latest" && !s.command);

		it("validates with docker-compose when it is installed", function () {
			if (!hasCommand("docker-compose", ["version"])) this.skip();
			const r = spawnSync("docker-compose", ["-f", path.join(root, "docker-compose.yml"), "config", "-q"], { encoding: "utf8" });
			expect(r.status, r.stderr).to.equal(0);
		});

		it("has the databases, Redis, RabbitMQ, MinIO and a migration step every node waits for", () => {
			for (const s of ["postgres-core", "postgres-notif", "redis", "rabbitmq", "minio", "migrate"]) expect(compose.services).to.have.property(s);
			expect(compose.services.migrate.command).to.deep.equal(["node", "dist/bin/migrate.js"]);
			expect(nodes.length).to.be.at.least(3);
			for (const [name, s] of nodes) {
				expect(s.depends_on.migrate.condition, name).to.equal("service_completed_successfully");
				expect(s.healthcheck.test.join(" "), name).to.contain("/health/ready");
			}
			expect(compose.services["nexgate-monolith"].profiles).to.deep.equal(["monolith"]);
		});

		it("runs only existing services and names only documented variables", () => {
			const available = availableServices();
			for (const [name, s] of nodes) {
				for (const v of Object.keys(s.environment)) expect(documented(v), `${name}: ${v}`).to.equal(true);
				if (s.environment.SERVICES) for (const svc of servicesIn(s.environment.SERVICES)) expect(available, `${name} runs ${svc}`).to.include(svc);
			}
		});
	});
});
