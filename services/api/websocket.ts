/**
 * The WebSocket endpoint `GET /ws` on the gateway's own HTTP server.
 *
 * - Upgrade: the access token comes from `?token=` (browsers cannot set headers
 *   on a WebSocket) or `Authorization: Bearer`. Without a valid, unrevoked
 *   token the upgrade is answered with a plain HTTP error (401, 429, 503) in
 *   the usual error shape and the socket is closed; no socket is ever opened
 *   anonymously.
 * - Frames are JSON `{ type, data }`. On open the server sends
 *   `{ type: "ready", data: { userId } }`. A client `{ type: "ping" }` gets
 *   `{ type: "pong" }`; every other client frame `{ type, ... }` is handed to
 *   `onClientFrame` (the gateway emits it as the `ws.client.frame` event), so
 *   the gateway stays ignorant of what typing indicators mean.
 * - Keepalive: a protocol ping every `pingIntervalMs`; a socket that did not
 *   answer the previous ping is terminated (dead mobile connections otherwise
 *   linger for minutes). The sockets are pinged a slice at a time
 *   (PING_SLICES per interval), not all at once: thousands of pings and their
 *   pongs in one tick would hold up every frame and request behind them.
 * - Revocation: every `revocationCheckMs` the sessions of open sockets are
 *   checked and sockets of revoked sessions closed with code 4401.
 *
 * This module only knows its own sockets; reaching the node that holds a
 * user's sockets is the gateway's job (api.service.ts).
 */
import { STATUS_CODES, type IncomingMessage, type Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer, type RawData } from "ws";
import type { GatewayUser } from "./action-options";
import type { ErrorResponse } from "./errors";

export interface ServerFrame {
	type: string;
	data?: unknown;
}

export interface ClientFrame {
	type: string;
	[field: string]: unknown;
}

export interface WsHubOptions {
	server: Server;
	path?: string;
	/** Token (or null) → user; throws a client error (401) or an unavailable error (503). */
	authenticate(token: string | null): Promise<GatewayUser>;
	/** Counts a connection attempt; resolves with seconds to wait when over the limit. */
	admit?(req: IncomingMessage): Promise<{ retryAfter: number } | null>;
	isSessionRevoked(sessionId: string): Promise<boolean>;
	onClientFrame(user: GatewayUser, frame: ClientFrame): void;
	requestId(req: IncomingMessage): string;
	toErrorResponse(err: unknown, requestId: string): ErrorResponse;
	log: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void; debug(...a: unknown[]): void };
	pingIntervalMs?: number;
	revocationCheckMs?: number;
	maxPayloadBytes?: number;
	/** Client frames per socket per window; excess frames are answered with an error frame and dropped. */
	frameLimit?: { window: number; limit: number };
}

export interface WsHub {
	/** Sends a frame to every socket of these users on this node; returns how many sockets got it. */
	deliver(userIds: string[], frame: ServerFrame): number;
	/** Which of these users hold at least one open socket on this node. */
	online(userIds: string[]): string[];
	/** Closes this node's sockets of a session; returns how many. */
	closeSession(sessionId: string, code?: number, reason?: string): number;
	/** Runs the revocation sweep now (also runs on its timer). */
	sweepRevoked(): Promise<number>;
	connectionCount(): number;
	close(): Promise<void>;
}

interface Client {
	ws: WebSocket;
	user: GatewayUser;
	alive: boolean;
	/** Which slice of the keepalive round pings this socket. */
	pingSlice: number;
	frameSlot: number;
	frameCount: number;
}

/** A socket whose peer reads slower than this much queued output is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Keepalive slices per ping interval: with 30 s, a thirtieth of the sockets every second. */
const PING_SLICES = 30;
export const CLOSE_SESSION_REVOKED = 4401;

function tokenFrom(req: IncomingMessage, url: URL): string | null {
	const q = url.searchParams.get("token");
	if (q) return q;
	const m = /^Bearer\s+(\S+)\s*$/i.exec(String(req.headers.authorization ?? ""));
	return m ? m[1] : null;
}

/** Answers an upgrade request with a plain HTTP response and closes the socket. */
function refuse(socket: Duplex, res: ErrorResponse, requestId: string): void {
	if (socket.destroyed) return;
	const body = JSON.stringify(res.body);
	const headers: Record<string, string> = {
		Connection: "close",
		"Content-Type": "application/json; charset=utf-8",
		"Content-Length": String(Buffer.byteLength(body)),
		"X-Request-Id": requestId,
		...res.headers
	};
	socket.once("finish", () => socket.destroy());
	socket.end(
		`HTTP/1.1 ${res.status} ${STATUS_CODES[res.status] ?? ""}\r\n` +
			Object.entries(headers)
				.map(([k, v]) => `${k}: ${v}`)
				.join("\r\n") +
			`\r\n\r\n${body}`
	);
}

/** `payload` is the frame's JSON; as a Buffer (UTF-8) it is written as it is, with no copy per socket. */
function send(client: Client, payload: string | Buffer): boolean {
	if (client.ws.readyState !== WebSocket.OPEN) return false;
	if (client.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
		client.ws.terminate();
		return false;
	}
	client.ws.send(payload, { binary: false });
	return true;
}

export function createWsHub(opts: WsHubOptions): WsHub {
	const path = opts.path ?? "/ws";
	const frameLimit = opts.frameLimit ?? { window: 10_000, limit: 50 };
	const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayloadBytes ?? 16 * 1024 });
	const clients = new Set<Client>();
	const byUser = new Map<string, Set<Client>>();
	let closing = false;
	let attached = 0;

	const attach = (ws: WebSocket, user: GatewayUser) => {
		const client: Client = { ws, user, alive: true, pingSlice: attached++ % PING_SLICES, frameSlot: 0, frameCount: 0 };
		clients.add(client);
		let set = byUser.get(user.userId);
		if (!set) byUser.set(user.userId, (set = new Set()));
		set.add(client);

		ws.on("pong", () => {
			client.alive = true;
		});
		ws.on("error", err => opts.log.debug("WebSocket error", err.message));
		ws.on("close", () => {
			clients.delete(client);
			const userSet = byUser.get(user.userId);
			userSet?.delete(client);
			if (userSet && userSet.size === 0) byUser.delete(user.userId);
		});
		ws.on("message", (raw: RawData, isBinary: boolean) => onMessage(client, raw, isBinary));
		send(client, JSON.stringify({ type: "ready", data: { userId: user.userId } }));
	};

	const errorFrame = (client: Client, type: string, message: string) =>
		send(client, JSON.stringify({ type: "error", data: { code: 400, type, message } }));

	const onMessage = (client: Client, raw: RawData, isBinary: boolean) => {
		const slot = Math.floor(Date.now() / frameLimit.window);
		if (slot !== client.frameSlot) {
			client.frameSlot = slot;
			client.frameCount = 0;
		}
		if (++client.frameCount > frameLimit.limit) {
			if (client.frameCount === frameLimit.limit + 1) errorFrame(client, "RATE_LIMITED", "Too many frames; slow down");
			return;
		}
		if (isBinary) return void errorFrame(client, "INVALID_FRAME", "Frames are JSON text");
		let frame: unknown;
		try {
			frame = JSON.parse(raw.toString());
		} catch {
			return void errorFrame(client, "INVALID_FRAME", "Frame is not valid JSON");
		}
		const type = (frame as { type?: unknown } | null)?.type;
		if (!frame || typeof frame !== "object" || Array.isArray(frame) || typeof type !== "string" || !/^[a-z][a-z0-9._-]{0,63}$/i.test(type))
			return void errorFrame(client, "INVALID_FRAME", "Frame must be an object with a string type");
		if (type === "ping") return void send(client, JSON.stringify({ type: "pong" }));
		try {
			opts.onClientFrame(client.user, frame as ClientFrame);
		} catch (err) {
			opts.log.warn("Client frame handler failed", err);
		}
	};

	const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		// A client that vanishes mid-handshake must not crash the process.
		socket.on("error", () => socket.destroy());
		const requestId = opts.requestId(req);
		let url: URL;
		try {
			url = new URL(req.url ?? "/", "http://localhost");
		} catch {
			return refuse(socket, opts.toErrorResponse({ name: "BadRequestError", message: "Bad request", code: 400, type: "BAD_REQUEST" }, requestId), requestId);
		}
		if (url.pathname !== path) {
			const notFound = { name: "NotFoundError", message: "Not found", code: 404, type: "NOT_FOUND" };
			return refuse(socket, opts.toErrorResponse(notFound, requestId), requestId);
		}
		if (closing) return refuse(socket, opts.toErrorResponse({ name: "ServiceNotAvailableError" }, requestId), requestId);
		void (async () => {
			try {
				const over = await opts.admit?.(req);
				if (over) {
					return refuse(
						socket,
						opts.toErrorResponse({ name: "RateLimitExceeded", message: "Too many requests", code: 429, type: "RATE_LIMITED", data: { retryAfter: over.retryAfter } }, requestId),
						requestId
					);
				}
				const user = await opts.authenticate(tokenFrom(req, url));
				if (socket.destroyed) return;
				wss.handleUpgrade(req, socket, head, ws => attach(ws, user));
			} catch (err) {
				const res = opts.toErrorResponse(err, requestId);
				if (res.internal) opts.log.error("WebSocket upgrade failed", err);
				refuse(socket, res, requestId);
			}
		})();
	};
	opts.server.on("upgrade", onUpgrade);

	let pingSlice = 0;
	const pingTimer = setInterval(
		() => {
			const slice = pingSlice;
			pingSlice = (pingSlice + 1) % PING_SLICES;
			for (const client of clients) {
				if (client.pingSlice !== slice) continue;
				if (!client.alive) {
					client.ws.terminate();
					continue;
				}
				client.alive = false;
				try {
					client.ws.ping();
				} catch {
					client.ws.terminate();
				}
			}
		},
		(opts.pingIntervalMs ?? 30_000) / PING_SLICES
	);
	pingTimer.unref();

	const closeSession = (sessionId: string, code = CLOSE_SESSION_REVOKED, reason = "session revoked") => {
		let n = 0;
		for (const client of clients) {
			if (client.user.sessionId === sessionId) {
				client.ws.close(code, reason);
				n++;
			}
		}
		return n;
	};

	let sweeping = false;
	const sweepRevoked = async () => {
		if (sweeping) return 0;
		sweeping = true;
		let closed = 0;
		try {
			const sessions = new Set([...clients].map(c => c.user.sessionId));
			for (const sid of sessions) {
				try {
					if (await opts.isSessionRevoked(sid)) closed += closeSession(sid);
				} catch (err) {
					// The store is unreachable: keep the sockets, the next sweep retries.
					opts.log.warn("Revocation check for WebSocket sessions failed", (err as Error).message);
					break;
				}
			}
		} finally {
			sweeping = false;
		}
		return closed;
	};
	const sweepTimer = setInterval(() => void sweepRevoked(), opts.revocationCheckMs ?? 10_000);
	sweepTimer.unref();

	return {
		deliver(userIds, frame) {
			// Serialized and encoded once for every socket (ws would encode a string again for each one).
			const payload = Buffer.from(JSON.stringify({ type: frame.type, data: frame.data ?? null }));
			let n = 0;
			for (const userId of new Set(userIds)) for (const client of byUser.get(userId) ?? []) if (send(client, payload)) n++;
			return n;
		},
		online: userIds => [...new Set(userIds)].filter(id => byUser.has(id)),
		closeSession,
		sweepRevoked,
		connectionCount: () => clients.size,
		async close() {
			closing = true;
			clearInterval(pingTimer);
			clearInterval(sweepTimer);
			opts.server.off("upgrade", onUpgrade);
			const open = [...clients];
			for (const client of open) client.ws.close(1001, "server shutting down");
			// Give clients a moment to answer the close frame, then cut the rest: shutdown must not hang on them.
			await Promise.race([
				Promise.all(open.map(c => new Promise<void>(resolve => (c.ws.readyState === WebSocket.CLOSED ? resolve() : c.ws.once("close", () => resolve()))))),
				new Promise<void>(resolve => setTimeout(resolve, 1000).unref())
			]);
			for (const client of open) client.ws.terminate();
			await new Promise<void>(resolve => wss.close(() => resolve()));
		}
	};
}
