/**
 * `npm run bench [-- <name>…] [--duration=10] [--warmup=2] [--connections=50] [--no-write] [--list]`
 *
 * Runs the scenarios in bench/scenarios/ (every module's default export is a
 * Scenario: { name, title, goal?, run(ctx) }), prints each one's table and its
 * ratios to the goals, and rewrites that scenario's section of
 * docs/benchmarks.md. Progress goes to stderr, results to stdout.
 */
import fs from "node:fs";
import path from "node:path";
import { formatVerdicts, machine, section, textTable, writeSection } from "./lib/report";
import type { BenchContext, BenchSettings, Scenario } from "./lib/types";

const ROOT = path.resolve(__dirname, "..");
const SCENARIOS_DIR = path.join(__dirname, "scenarios");
const REPORT = path.join(ROOT, "docs", "benchmarks.md");

function loadScenarios(): Scenario[] {
	return fs
		.readdirSync(SCENARIOS_DIR)
		.filter(f => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
		.sort()
		.map(f => {
			const mod = require(path.join(SCENARIOS_DIR, f)) as { default?: Scenario };
			if (!mod.default?.name || typeof mod.default.run !== "function") throw new Error(`bench/scenarios/${f} does not export a default Scenario`);
			return mod.default;
		});
}

function parseArgs(argv: string[]) {
	const settings: BenchSettings = { durationS: 10, warmupS: 2, connections: 50 };
	const names: string[] = [];
	let write = true;
	let list = false;
	const positive = (flag: string, raw: string, min: number) => {
		const n = Number(raw);
		if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got "${raw}"`);
		return n;
	};
	for (const arg of argv) {
		const [flag, value = ""] = arg.split("=", 2);
		if (flag === "--duration") settings.durationS = positive(flag, value, 1);
		else if (flag === "--warmup") settings.warmupS = positive(flag, value, 0);
		else if (flag === "--connections") settings.connections = positive(flag, value, 1);
		else if (flag === "--no-write") write = false;
		else if (flag === "--list") list = true;
		else if (flag.startsWith("-")) throw new Error(`unknown option ${arg}`);
		else names.push(arg);
	}
	// Load only ever goes to this machine and stays bounded.
	if (settings.durationS > 120 || settings.warmupS > 30 || settings.connections > 500)
		throw new Error("the bench caps a measurement at 120 s, warm-up at 30 s and 500 connections");
	return { settings, names, write, list };
}

async function main() {
	const { settings, names, write, list } = parseArgs(process.argv.slice(2));
	const all = loadScenarios();
	if (list) {
		for (const s of all) console.log(`${s.name.padEnd(20)} ${s.title}`);
		return;
	}
	const unknown = names.filter(n => !all.some(s => s.name === n));
	if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(", ")}; available: ${all.map(s => s.name).join(", ")}`);
	const selected = names.length ? all.filter(s => names.includes(s.name)) : all;

	const aborts = new Set<() => Promise<void>>();
	let interrupted = false;
	const onSignal = async (signal: NodeJS.Signals) => {
		if (interrupted) return;
		interrupted = true;
		process.stderr.write(`\n${signal}: stopping the servers under test…\n`);
		await Promise.allSettled([...aborts].map(fn => fn()));
		process.exit(130);
	};
	process.on("SIGINT", s => void onSignal(s));
	process.on("SIGTERM", s => void onSignal(s));

	const ctx: BenchContext = {
		settings,
		log: msg => process.stderr.write(`[bench] ${msg}\n`),
		onAbort(fn) {
			aborts.add(fn);
			return () => aborts.delete(fn);
		}
	};

	const m = machine();
	const started = Date.now();
	console.log(
		`Nexgate bench: ${selected.map(s => s.name).join(", ")} — ${m.cores} cores, ${m.memoryGiB.toFixed(1)} GiB, Node ${m.node}; ` +
			`${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s per measurement`
	);
	let failed = 0;
	for (const scenario of selected) {
		const t0 = Date.now();
		ctx.log(`scenario ${scenario.name}: ${scenario.title}`);
		try {
			const result = await scenario.run(ctx);
			console.log(`\n== ${scenario.name} — ${scenario.title} (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`);
			console.log(textTable(result.columns, result.rows));
			console.log("");
			for (const line of formatVerdicts(result)) console.log(line);
			for (const note of result.notes ?? []) console.log(note);
			if (write) writeSection(REPORT, scenario.name, section(scenario, result, settings, m, new Date()));
		} catch (err) {
			failed++;
			console.error(`\n== ${scenario.name} failed: ${(err as Error).stack ?? err}`);
		}
	}
	const written = selected.length - failed;
	const where = write && written ? `; results of ${written} scenario(s) in ${path.relative(process.cwd(), REPORT)}` : "";
	console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(0)} s${where}${failed ? `; ${failed} scenario(s) failed, nothing written for them` : ""}.`);
	if (failed) process.exitCode = 1;
}

main().then(
	() => process.exit(),
	err => {
		console.error(`bench: ${(err as Error).message}`);
		process.exit(1);
	}
);
