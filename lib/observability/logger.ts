/**
 * Structured logs: one JSON object per line in production (for the log
 * pipeline), readable lines in development. Both carry the request id.
 */
import type { LoggerConfig } from "moleculer";
import { currentRequestId } from "./request-context";
import type { PlatformConfig } from "../config";

type Bindings = { nodeID: string; ns: string; mod: string; svc?: string };

function message(args: unknown[]): { msg: string; err?: unknown } {
	let err: unknown;
	const parts = args.map(a => {
		if (a instanceof Error) {
			err = { name: a.name, message: a.message, stack: a.stack, code: (a as { code?: unknown }).code };
			return a.message;
		}
		return typeof a === "string" ? a : JSON.stringify(a);
	});
	return { msg: parts.join(" "), err };
}

export function loggerOptions(cfg: Pick<PlatformConfig, "logLevel" | "logFormat">): LoggerConfig {
	const json = (type: string, args: unknown[], bindings: Bindings) => {
		const { msg, err } = message(args);
		const line: Record<string, unknown> = { ts: new Date().toISOString(), level: type, node: bindings.nodeID, mod: bindings.mod, msg };
		const requestId = currentRequestId();
		if (requestId) line.requestId = requestId;
		if (err) line.err = err;
		return [JSON.stringify(line)];
	};
	const pretty = (type: string, args: unknown[], bindings: Bindings, { printArgs }: { printArgs: (a: unknown[]) => unknown[] }) => {
		const requestId = currentRequestId();
		return [
			new Date().toISOString().slice(11, 23),
			type.toUpperCase().padEnd(5),
			`${bindings.mod}${requestId ? ` [${requestId.slice(0, 12)}]` : ""}:`,
			...printArgs(args)
		];
	};
	return {
		type: "Console",
		options: {
			level: cfg.logLevel,
			colors: cfg.logFormat === "pretty",
			moduleColors: false,
			formatter: (cfg.logFormat === "json" ? json : pretty) as never
		}
	} as LoggerConfig;
}
