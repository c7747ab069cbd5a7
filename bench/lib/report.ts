/**
 * Results out: an aligned table on stdout, and docs/benchmarks.md, where each
 * scenario owns one section between markers. Running a scenario rewrites only
 * its own section, so sections measured by other runs (other issues, other
 * days) stay as they were, each with its own date and machine.
 */
import fs from "node:fs";
import os from "node:os";
import type { BenchSettings, Scenario, ScenarioResult } from "./types";

export interface Machine {
	cores: number;
	cpuModel: string;
	memoryGiB: number;
	node: string;
	os: string;
}

export function machine(): Machine {
	const cpus = os.cpus();
	return {
		cores: cpus.length,
		cpuModel: cpus[0]?.model.trim() ?? "unknown",
		memoryGiB: os.totalmem() / 1024 ** 3,
		node: process.version,
		os: `${os.type()} ${os.release()} ${os.arch()}`
	};
}

export function textTable(columns: string[], rows: Record<string, string>[]): string {
	const widths = columns.map(c => Math.max(c.length, ...rows.map(r => (r[c] ?? "").length)));
	const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
	return [line(columns), widths.map(w => "-".repeat(w)).join("  "), ...rows.map(r => line(columns.map(c => r[c] ?? "")))].join("\n");
}

function mdTable(columns: string[], rows: Record<string, string>[]): string {
	const esc = (s: string) => s.replace(/\|/g, "\\|");
	return [
		`| ${columns.map(esc).join(" | ")} |`,
		`|${columns.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
		...rows.map(r => `| ${columns.map(c => esc(r[c] ?? "")).join(" | ")} |`)
	].join("\n");
}

export function formatVerdicts(result: ScenarioResult): string[] {
	return result.verdicts.map(v => {
		const target = v.target ? ` (goal ${v.target}: ${v.met ? "met" : "NOT met"})` : "";
		return `${v.label}: ${v.value.toFixed(2)}${target}`;
	});
}

export function section(scenario: Scenario, result: ScenarioResult, settings: BenchSettings, m: Machine, when: Date): string {
	const out: string[] = [];
	out.push(`## ${scenario.name} — ${scenario.title}`, "");
	if (scenario.goal) out.push(`**Goal:** ${scenario.goal}`, "");
	out.push(
		`Measured ${when.toISOString().replace(/\.\d+Z$/, "Z")} with \`npm run bench -- ${scenario.name}\` on ${m.cores} cores ` +
			`(${m.cpuModel}), ${m.memoryGiB.toFixed(1)} GiB memory, Node ${m.node}, ${m.os}. ` +
			`Load: autocannon in the bench process, ${settings.connections} connections, ` +
			`${settings.warmupS} s warm-up (discarded) then ${settings.durationS} s measured, over 127.0.0.1.`,
		""
	);
	out.push("### Method", "", ...result.method, "");
	out.push("### Results", "", mdTable(result.columns, result.rows), "");
	if (result.verdicts.length) {
		out.push(
			mdTable(
				["comparison", "ratio", "goal", "met"],
				result.verdicts.map(v => ({
					comparison: v.label,
					ratio: v.value.toFixed(2),
					goal: v.target ?? "—",
					met: v.target ? (v.met ? "yes" : "**no**") : "—"
				}))
			),
			""
		);
	}
	if (result.notes?.length) out.push("### Notes", "", ...result.notes, "");
	return out.join("\n");
}

const HEADER = `# Benchmarks

Throughput and latency measured by \`npm run bench\` (\`bench/run.ts\`); performance is measured here,
never in timed tests (DESIGN.md §7). Each scenario is a module in \`bench/scenarios/\` exporting
\`{ name, title, goal?, run(ctx) }\`; \`npm run bench\` runs them all, \`npm run bench -- <name>\` one
(\`--duration=<s> --warmup=<s> --connections=<n>\` change the load, \`--no-write\` leaves this file alone,
\`--list\` names the scenarios).

Each scenario owns one section below, between \`<!-- bench:<name> -->\` markers; a run rewrites only
the sections of the scenarios it ran, so every section carries its own date and machine. Edit the text
around the sections, not inside them.
`;

const begin = (name: string) => `<!-- bench:${name} -->`;
const end = (name: string) => `<!-- /bench:${name} -->`;

/** Replaces the scenario's section in the file (or appends it), creating the file if needed. */
export function writeSection(file: string, name: string, body: string): void {
	const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : HEADER;
	const block = `${begin(name)}\n${body.trimEnd()}\n${end(name)}`;
	const start = current.indexOf(begin(name));
	const stop = current.indexOf(end(name));
	const next =
		start >= 0 && stop > start
			? current.slice(0, start) + block + current.slice(stop + end(name).length)
			: `${current.trimEnd()}\n\n${block}\n`;
	fs.writeFileSync(file, next);
}
