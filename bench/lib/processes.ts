/**
 * Child processes for the servers under test (so the load generator in the
 * bench process does not share an event loop with them), and what Linux's
 * /proc says about a process: resident memory and CPU time.
 */
import { execFileSync, fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

interface Output {
	/** The last few KB, quoted when the child fails. */
	tail: string;
	/** Set while stopping: shutdown chatter (connections closing under a node) is not the bench's concern. */
	muted: boolean;
}
const outputs = new WeakMap<ChildProcess, Output>();

/**
 * Forks a TypeScript entry (run through tsx) with an IPC channel. Its output
 * goes to the bench's stderr until it is being stopped.
 */
export function forkTs(file: string, env: Record<string, string> = {}): ChildProcess {
	const proc = fork(file, [], {
		cwd: ROOT,
		// BENCH_CPU_PROF_DIR=<dir>: every server process writes a V8 CPU profile there when it exits.
		execArgv: ["--require", "tsx/cjs", ...(process.env.BENCH_CPU_PROF_DIR ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF_DIR] : [])],
		env: { ...process.env, ...env },
		stdio: ["ignore", "pipe", "pipe", "ipc"]
	});
	const out: Output = { tail: "", muted: false };
	outputs.set(proc, out);
	const forward = (chunk: Buffer) => {
		out.tail = (out.tail + chunk.toString("utf8")).slice(-8192);
		if (!out.muted) process.stderr.write(chunk);
	};
	proc.stdout?.on("data", forward);
	proc.stderr?.on("data", forward);
	return proc;
}

/** The first IPC message of this type; rejects if the child exits first or the time runs out. */
export function nextMessage<T extends { type: string }>(proc: ChildProcess, type: string, timeoutMs: number): Promise<T> {
	return new Promise((resolve, reject) => {
		const done = () => {
			clearTimeout(timer);
			proc.off("message", onMessage);
			proc.off("exit", onExit);
		};
		const onMessage = (msg: T) => {
			if (msg?.type !== type) return;
			done();
			resolve(msg);
		};
		const onExit = (code: number | null) => {
			done();
			const tail = outputs.get(proc)?.tail.trim();
			reject(new Error(`process ${proc.pid} exited (${code}) before sending "${type}"${tail ? `; its last output:\n${tail}` : ""}`));
		};
		const timer = setTimeout(() => {
			done();
			reject(new Error(`process ${proc.pid} sent no "${type}" within ${timeoutMs} ms`));
		}, timeoutMs);
		proc.on("message", onMessage);
		proc.once("exit", onExit);
	});
}

/** Asks a child to stop ({ type: "stop" } over IPC, else SIGTERM), SIGKILL after the grace period. */
export function stopChild(proc: ChildProcess, graceMs = 30_000): Promise<void> {
	const out = outputs.get(proc);
	if (out) out.muted = true;
	if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
	return new Promise(resolve => {
		const force = setTimeout(() => proc.kill("SIGKILL"), graceMs);
		proc.once("exit", () => {
			clearTimeout(force);
			resolve();
		});
		if (proc.connected) proc.send({ type: "stop" });
		else proc.kill("SIGTERM");
	});
}

let clockTicks: number | null = null;
function ticksPerSecond(): number {
	if (clockTicks === null) {
		try {
			clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
		} catch {
			clockTicks = 100;
		}
	}
	return clockTicks;
}

export interface ProcSample {
	pid: number;
	/** Resident set size now, bytes. */
	rss: number;
	/** Peak resident set size, bytes. */
	peakRss: number;
	/** User + system CPU time so far, seconds. */
	cpuS: number;
}

/** null when the process is gone or /proc is not there. */
export function sample(pid: number): ProcSample | null {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
		const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
		const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
		// Fields after the command name (which may hold spaces) start at field 3: utime is 14, stime 15.
		const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		const cpuS = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond();
		return { pid, rss: kb("VmRSS"), peakRss: kb("VmHWM"), cpuS };
	} catch {
		return null;
	}
}

function allPids(): number[] {
	try {
		return fs.readdirSync("/proc").filter(d => /^\d+$/.test(d)).map(Number);
	} catch {
		return [];
	}
}

/** Direct and indirect children of a process. */
export function descendants(pid: number): number[] {
	const parent = new Map<number, number>();
	for (const p of allPids()) {
		try {
			const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
			parent.set(p, Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
		} catch {
			// gone meanwhile
		}
	}
	const out: number[] = [];
	const walk = (of: number) => {
		for (const [child, ppid] of parent) if (ppid === of) {
			out.push(child);
			walk(child);
		}
	};
	walk(pid);
	return out;
}

/** The command name (/proc/<pid>/comm), e.g. "node". */
export function commandOf(pid: number): string | undefined {
	try {
		return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
	} catch {
		return undefined;
	}
}

/** Processes whose command name (/proc/<pid>/comm) is one of these, e.g. RabbitMQ's beam.smp. */
export function pidsByCommand(names: string[]): number[] {
	return allPids().filter(p => names.includes(commandOf(p) ?? ""));
}

/** One variable of a process's environment (readable for our own children). */
export function envOf(pid: number, name: string): string | undefined {
	try {
		const entry = fs
			.readFileSync(`/proc/${pid}/environ`, "utf8")
			.split("\0")
			.find(e => e.startsWith(`${name}=`));
		return entry?.slice(name.length + 1);
	} catch {
		return undefined;
	}
}

export const MB = 1024 * 1024;

/** CPU time of the kernel's own threads (children of kthreadd, pid 2), seconds. */
function kernelThreadsCpuS(): number {
	let total = 0;
	for (const p of allPids()) {
		try {
			const stat = fs.readFileSync(`/proc/${p}/stat`, "utf8");
			const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
			if (p === 2 || fields[1] === "2") total += Number(fields[11]) + Number(fields[12]);
		} catch {
			// gone meanwhile
		}
	}
	return total / ticksPerSecond();
}

/**
 * CPU time user-space processes on the machine have spent running (user + system, every core),
 * seconds; null without /proc. Interrupt time, kernel threads (loopback networking lands in both,
 * unattributed to any process) and time stolen by the hypervisor are left out, so "busy" minus the
 * processes we watch is other processes' work.
 */
export function machineBusyS(): number | null {
	try {
		const [user, nice, system] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
		return (user + nice + system) / ticksPerSecond() - kernelThreadsCpuS();
	} catch {
		return null;
	}
}
