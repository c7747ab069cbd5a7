/**
 * Every rate limit the gateway applies, in one table, and who counts as "one
 * caller". All limits are multiplied by RATE_LIMIT_SCALE (config.rateLimitScale)
 * — load tests raise it, nothing is ever exempt: no address, no user.
 *
 * | limit        | window | requests | counted per                                  |
 * |--------------|--------|----------|----------------------------------------------|
 * | v1           | 60 s   | 600      | caller on /api/v1/** (user, accepted         |
 * |              |        |          | credential, else address)                    |
 * | platform     | 60 s   | 300      | address on /api/health/*, /api/openapi.json, |
 * |              |        |          | /api/docs, /.well-known/jwks.json            |
 * | wsUpgrade    | 60 s   | 60       | address, WebSocket connection attempts       |
 * | wsFrames     | 10 s   | 50       | socket, client frames (excess are dropped)   |
 * | per action   | own    | own      | caller and action, from `rateLimit` on it    |
 *
 * A per-action limit applies on top of the route's. Over a limit: 429
 * RATE_LIMITED with Retry-After (seconds to the end of the window).
 *
 * "Caller": a request whose bearer token this node already verified earlier is
 * counted per user — many users of a mobile carrier share one address (CGNAT);
 * a bearer credential that is not an access token (a venue's scanner token)
 * is counted on its own once an action that reads it accepted it
 * (accepted-credentials.ts) — a venue's gates share one NAT address; anything
 * else per client address. A forged token cannot pick someone else's bucket,
 * nor a fresh one: only tokens found in the verified-token cache count as
 * users, and only credentials an action accepted count on their own.
 * Addresses are the TCP peer: X-Forwarded-For is not trusted, as anyone can set
 * it to get a fresh bucket. IPv6 clients are counted per /64, the block one
 * subscriber usually holds.
 */
import net from "node:net";
import type { IncomingMessage } from "node:http";
import { tokenHash } from "../../lib/auth/access-tokens";

export interface WindowLimit {
	window: number;
	limit: number;
}

export const RATE_LIMITS = {
	v1: { window: 60_000, limit: 600 },
	platform: { window: 60_000, limit: 300 },
	wsUpgrade: { window: 60_000, limit: 60 },
	wsFrames: { window: 10_000, limit: 50 }
} as const satisfies Record<string, WindowLimit>;

export function scaledLimit(limit: number, scale: number): number {
	return Math.max(1, Math.floor(limit * scale));
}

/** Expands an IPv6 address to its 8 groups (no `::`, no embedded IPv4). */
function ipv6Groups(address: string): string[] | null {
	let addr = address.split("%")[0];
	const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
	if (v4) {
		const parts = v4[1].split(".").map(Number);
		addr = addr.slice(0, -v4[1].length) + ((parts[0] << 8) | parts[1]).toString(16) + ":" + ((parts[2] << 8) | parts[3]).toString(16);
	}
	const [head, tail] = addr.split("::");
	const h = head ? head.split(":") : [];
	const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
	const missing = 8 - h.length - t.length;
	if (addr.includes("::") ? missing < 0 : missing !== 0) return null;
	return [...h, ...Array(addr.includes("::") ? missing : 0).fill("0"), ...t].map(g => parseInt(g, 16).toString(16));
}

/** The bucket name of a client address: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string | undefined | null): string {
	if (!address) return "ip:unknown";
	const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
	if (mapped) return `ip:${mapped[1]}`;
	if (net.isIPv4(address)) return `ip:${address}`;
	if (net.isIPv6(address.split("%")[0])) {
		const groups = ipv6Groups(address);
		if (groups) return `ip6:${groups.slice(0, 4).join(":")}::/64`;
	}
	return `ip:${address}`;
}

const BEARER_RE = /^Bearer\s+(\S+)\s*$/i;
/**
 * The rate limiter (callerKey) and authentication both need the request's token and its SHA-256:
 * worked out once per request and kept on the request object (which holds the header anyway).
 */
const BEARER = Symbol("nexgate.bearer");
interface BearerMemo {
	header: unknown;
	token: string | null;
	hash: string | null;
}
type WithBearer = IncomingMessage & { [BEARER]?: BearerMemo };

function bearerMemo(req: IncomingMessage): BearerMemo {
	const header = req.headers.authorization;
	let memo = (req as WithBearer)[BEARER];
	if (memo && memo.header === header) return memo;
	let token: string | null = null;
	if (typeof header === "string") {
		const m = BEARER_RE.exec(header);
		if (m) token = m[1];
	}
	memo = { header, token, hash: null };
	(req as WithBearer)[BEARER] = memo;
	return memo;
}

/** Bearer token from the Authorization header, or null. */
export function bearerFromHeader(req: IncomingMessage): string | null {
	return bearerMemo(req).token;
}

/** `tokenHash` of the request's bearer token (the verified-token cache key), or null without one. */
export function bearerHash(req: IncomingMessage): string | null {
	const memo = bearerMemo(req);
	if (memo.token === null) return null;
	return (memo.hash ??= tokenHash(memo.token));
}

export function callerKey(
	req: IncomingMessage,
	knownUser: (token: string, hash: string) => string | undefined,
	acceptedCredential: (hash: string) => boolean = () => false
): string {
	const token = bearerFromHeader(req);
	if (!token) return addressKey(req.socket?.remoteAddress);
	const hash = bearerHash(req)!;
	const userId = knownUser(token, hash);
	if (userId) return `u:${userId}`;
	return acceptedCredential(hash) ? `c:${hash}` : addressKey(req.socket?.remoteAddress);
}
