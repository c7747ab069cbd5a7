/**
 * What a bench scenario is: a module in bench/scenarios/ whose default export
 * is a Scenario. `npm run bench` runs every one; `npm run bench -- <name>` one.
 */

export interface BenchSettings {
	/** Seconds of load per measurement (after the warm-up). */
	durationS: number;
	/** Seconds of load before each measurement, not recorded. */
	warmupS: number;
	/** Concurrent HTTP connections. */
	connections: number;
}

export interface BenchContext {
	settings: BenchSettings;
	/** Progress lines (stderr), so stdout stays the results. */
	log(msg: string): void;
	/** Processes to stop if the run is interrupted; returns the unregister function. */
	onAbort(fn: () => Promise<void>): () => void;
}

/** One row of a scenario's results table. */
export type Row = Record<string, string>;

export interface Verdict {
	/** What is compared, e.g. "one process / bare Node http". */
	label: string;
	value: number;
	/** Human-readable target, e.g. "≥ 0.33"; absent for informational figures. */
	target?: string;
	met?: boolean;
}

export interface ScenarioResult {
	/** Markdown lines describing how it was measured (shown under the section's "Method"). */
	method: string[];
	columns: string[];
	rows: Row[];
	verdicts: Verdict[];
	/** Markdown lines: caveats, what limited the figures. */
	notes?: string[];
}

export interface Scenario {
	/** Short name, used on the command line and as the section id in docs/benchmarks.md. */
	name: string;
	title: string;
	/** The goal in words (from the issue), repeated in the report. */
	goal?: string;
	run(ctx: BenchContext): Promise<ScenarioResult>;
}
