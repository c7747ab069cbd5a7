/**
 * A small WebSocket client for the tests: collects frames, waits for the
 * next one of a type, and reports refused upgrades with their HTTP status.
 */
import WebSocket from "ws";

export interface WsFrame {
	type: string;
	data?: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface TestSocket {
	ws: WebSocket;
	frames: WsFrame[];
	next(type: string, timeoutMs?: number): Promise<WsFrame>;
	closed: Promise<{ code: number; reason: string }>;
	close(): void;
}

export interface RefusedUpgrade {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function wsUrl(baseUrl: string, path = "/ws"): string {
	return baseUrl.replace(/^http/, "ws") + path;
}

/** Opens a socket and resolves once the server said `ready`; rejects with a RefusedUpgrade when refused. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<TestSocket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		const frames: WsFrame[] = [];
		const waiters: { type: string; resolve: (f: WsFrame) => void }[] = [];
		const closed = new Promise<{ code: number; reason: string }>(res => ws.on("close", (code, reason) => res({ code, reason: reason.toString() })));
		const socket: TestSocket = {
			ws,
			frames,
			closed,
			close: () => ws.close(),
			next(type, timeoutMs = 3000) {
				const seen = frames.findIndex(f => f.type === type);
				if (seen !== -1) return Promise.resolve(frames.splice(seen, 1)[0]);
				return new Promise((res, rej) => {
					const timer = setTimeout(() => rej(new Error(`no "${type}" frame within ${timeoutMs} ms`)), timeoutMs);
					waiters.push({
						type,
						resolve: f => {
							clearTimeout(timer);
							res(f);
						}
					});
				});
			}
		};
		ws.on("message", raw => {
			const frame = JSON.parse(raw.toString()) as WsFrame;
			const i = waiters.findIndex(w => w.type === frame.type);
			if (i !== -1) waiters.splice(i, 1)[0].resolve(frame);
			else frames.push(frame);
			if (frame.type === "ready") resolve(socket);
		});
		ws.on("unexpected-response", (_req, res) => {
			let body = "";
			res.on("data", chunk => (body += chunk));
			res.on("end", () => reject({ status: res.statusCode ?? 0, headers: res.headers, body: body ? JSON.parse(body) : null } satisfies RefusedUpgrade));
		});
		ws.on("error", err => reject(err));
	});
}

/** Opens a socket that must be refused; resolves with how. */
export async function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<RefusedUpgrade> {
	try {
		const s = await openSocket(url, headers);
		s.close();
	} catch (err) {
		if (err && typeof err === "object" && "status" in err) return err as RefusedUpgrade;
		throw err;
	}
	throw new Error("the upgrade was accepted");
}
