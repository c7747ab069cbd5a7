/**
 * One HTTP measurement: autocannon (programmatic, in the bench process) for a
 * warm-up that is thrown away, then a fixed-duration run. Latencies are kept
 * per response (autocannon's own histogram rounds to whole milliseconds), and
 * the CPU and memory of the server processes are read from /proc around the
 * measured window.
 */
import autocannon from "autocannon";
import type { BenchSettings } from "./types";
import { machineBusyS, MB, sample } from "./processes";

export interface HttpTarget {
	url: string;
	/** Cycled through by every connection (e.g. one per user, each with its own token). */
	requests?: autocannon.Request[];
	headers?: Record<string, string>;
	/** Requests per second across all connections (autocannon's overallRate); unset: as fast as the server answers. */
	rate?: number;
}

export interface WatchedProcess {
	label: string;
	pid: number;
}

export interface ProcessFigures {
	label: string;
	pid: number;
	/** Share of one core over the measured window, percent. */
	cpuPct: number;
	/** Resident memory right after the measured window, MB. */
	rssMb: number;
	/** Peak resident memory over the process's life, MB. */
	peakRssMb: number;
}

export interface HttpMeasurement {
	durationS: number;
	/** 2xx responses per second. */
	rps: number;
	p50Ms: number;
	p99Ms: number;
	ok: number;
	non2xx: number;
	/** Connection errors, including timeouts. */
	errors: number;
	timeouts: number;
	/** CPU of the bench process (the load generator) over the window, percent of one core. */
	generatorCpuPct: number;
	/**
	 * CPU the rest of the machine used over the window (everything busy minus the load generator and
	 * the watched processes), percent of one core: other work competing with the measurement.
	 */
	otherCpuPct: number;
	processes: ProcessFigures[];
}

function percentile(sorted: Float64Array, p: number): number {
	if (sorted.length === 0) return NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[i];
}

function fire(target: HttpTarget, connections: number, seconds: number, onResponse?: (ms: number, status: number) => void): Promise<autocannon.Result> {
	return new Promise((resolve, reject) => {
		const instance = autocannon(
			{ url: target.url, connections, duration: seconds, headers: target.headers, requests: target.requests, ...(target.rate ? { overallRate: target.rate } : {}) },
			(err, result) => (err ? reject(err) : resolve(result))
		);
		if (onResponse) instance.on("response", (_client, statusCode, _bytes, responseTime) => onResponse(responseTime, statusCode));
	});
}

/**
 * Waits (up to maxWaitMs) until the machine is idle but for background noise
 * (< 20 % of one core busy over a second), so a test run or build going on
 * beside the bench does not end up in its figures. Returns the last reading.
 */
export async function awaitQuietMachine(log: (msg: string) => void, maxWaitMs = 60_000): Promise<number> {
	const deadline = Date.now() + maxWaitMs;
	let warned = false;
	for (;;) {
		const b = machineBusyS();
		const t0 = Date.now();
		await new Promise(r => setTimeout(r, 1000));
		const a = machineBusyS();
		if (a === null || b === null) return NaN;
		const busyPct = ((a - b) / ((Date.now() - t0) / 1000)) * 100;
		if (busyPct < 20 || Date.now() > deadline) {
			if (busyPct >= 20) log(`the machine is still busy (${busyPct.toFixed(0)} % of a core); measuring anyway`);
			return busyPct;
		}
		if (!warned) log(`the machine is busy with other work (${busyPct.toFixed(0)} % of a core); waiting up to ${maxWaitMs / 1000} s for it to quieten`);
		warned = true;
	}
}

export async function measureHttp(target: HttpTarget, settings: BenchSettings, watch: WatchedProcess[] = []): Promise<HttpMeasurement> {
	if (settings.warmupS > 0) await fire(target, settings.connections, settings.warmupS);

	let latencies = new Float64Array(1 << 16);
	let n = 0;
	const record = (ms: number, status: number) => {
		if (status < 200 || status > 299) return;
		if (n === latencies.length) {
			const bigger = new Float64Array(latencies.length * 2);
			bigger.set(latencies);
			latencies = bigger;
		}
		latencies[n++] = ms;
	};

	const before = watch.map(w => sample(w.pid));
	const busyBefore = machineBusyS();
	const cpuBefore = process.cpuUsage();
	const t0 = process.hrtime.bigint();
	const result = await fire(target, settings.connections, settings.durationS, record);
	const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
	const cpu = process.cpuUsage(cpuBefore);
	const busyAfter = machineBusyS();
	const after = watch.map(w => sample(w.pid));
	const processes = watch.map((w, i) => {
		const b = before[i];
		const a = after[i];
		return {
			label: w.label,
			pid: w.pid,
			cpuPct: a && b ? ((a.cpuS - b.cpuS) / wallS) * 100 : NaN,
			rssMb: a ? a.rss / MB : NaN,
			peakRssMb: a ? a.peakRss / MB : NaN
		};
	});
	const generatorCpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
	const machinePct = busyBefore !== null && busyAfter !== null ? ((busyAfter - busyBefore) / wallS) * 100 : NaN;
	const watchedPct = processes.reduce((sum, p) => sum + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0);

	const sorted = latencies.slice(0, n).sort();
	return {
		durationS: result.duration,
		rps: result["2xx"] / result.duration,
		p50Ms: percentile(sorted, 50),
		p99Ms: percentile(sorted, 99),
		ok: result["2xx"],
		non2xx: result.non2xx,
		errors: result.errors,
		timeouts: result.timeouts,
		generatorCpuPct,
		otherCpuPct: Math.max(0, machinePct - generatorCpuPct - watchedPct),
		processes
	};
}
