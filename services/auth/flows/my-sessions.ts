/** A person's view of their own sessions: list, end one, end all others, sign out. */
import { Op, type WhereOptions } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { AuthError } from "../errors";
import { Session } from "../models";
import type { AuthRuntime } from "../runtime";
import { announceRevoked, revokeAccountSessions, revokeWhere } from "./sessions";

export interface SessionView {
	id: string;
	current: boolean;
	device: { id: string; name: string | null; platform: string | null };
	userAgent: string | null;
	ip: string | null;
	method: string;
	createdAt: string;
	lastSeenAt: string;
	expiresAt: string;
}

type Caller = { userId: string; sessionId: string };

function view(s: Session, currentId: string): SessionView {
	return {
		id: s.id,
		current: s.id === currentId,
		device: { id: s.deviceId, name: s.deviceName, platform: s.platform },
		userAgent: s.userAgent,
		ip: s.ip,
		method: s.method,
		createdAt: s.createdAt.toISOString(),
		lastSeenAt: s.lastSeenAt.toISOString(),
		expiresAt: s.idleExpiresAt.toISOString()
	};
}

/** Live sessions, newest first (ids are UUIDv7, so id order is creation order). */
export async function listSessions(caller: Caller, params: { cursor?: string; limit?: number }): Promise<Page<SessionView>> {
	const { limit, after } = readPage<string>(params);
	const where: WhereOptions = { accountId: caller.userId, revokedAt: null, idleExpiresAt: { [Op.gt]: new Date() } };
	if (typeof after === "string") Object.assign(where, { id: { [Op.lt]: after } });
	const rows = await Session.findAll({ where, order: [["id", "DESC"]], limit: limit + 1 });
	const page = toPage(rows, limit, last => last.id);
	return { items: page.items.map(s => view(s, caller.sessionId)), nextCursor: page.nextCursor };
}

/** Someone else's session is "not found", exactly like one that does not exist. */
export async function revokeSession(rt: AuthRuntime, caller: Caller, sessionId: string): Promise<void> {
	const revoked = await inTransaction(rt.sequelize, async t => {
		const session = await Session.findOne({ where: { id: sessionId, accountId: caller.userId }, transaction: t });
		if (!session) throw AuthError.sessionNotFound();
		return revokeWhere(rt, t, "id = :id", { id: session.id }, caller.sessionId === session.id ? "logout" : "revoked_by_user");
	});
	await announceRevoked(rt, revoked);
}

export async function revokeOtherSessions(rt: AuthRuntime, caller: Caller): Promise<{ revoked: number }> {
	const revoked = await inTransaction(rt.sequelize, t => revokeAccountSessions(rt, t, caller.userId, "revoked_by_user", caller.sessionId));
	await announceRevoked(rt, revoked);
	return { revoked: revoked.length };
}

export function logout(rt: AuthRuntime, caller: Caller): Promise<void> {
	return revokeSession(rt, caller, caller.sessionId);
}
