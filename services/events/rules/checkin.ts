/**
 * Check-in decisions, online and offline, as pure functions.
 *
 * `verifyCode` is what any scanner does with no network: signature with the
 * published key, right event, not revoked, inside the validity window. The
 * server runs the same function, then `decideOnline` applies what only the
 * server knows (has the ticket already entered?) under the ticket's row lock,
 * so two scanners at the same moment cannot both let it in.
 * `decideSync` merges offline scans uploaded late: the earliest scan of a
 * ticket wins, every other entry of a single-entry ticket is a conflict.
 */
import { parseCompact, verifySignature } from "./jws";
import { fromWire, isValidAt, type TicketClaims } from "./ticket-code";
import type { KeyObject } from "node:crypto";

export const RESULTS = ["ok", "already_checked_in", "invalid_signature", "revoked", "wrong_event", "not_valid_now"] as const;
export type CheckInResult = (typeof RESULTS)[number];

export interface VerifyingKey {
	publicKey: KeyObject;
	eventId: string;
}

export type Verification = { result: "ok"; claims: TicketClaims } | { result: Exclude<CheckInResult, "ok" | "already_checked_in">; claims?: TicketClaims };

export interface VerifyInput {
	code: unknown;
	/** The event being scanned at (the scanner's event). */
	eventId: string;
	keyOf(kid: string): VerifyingKey | undefined;
	/** Ticket ids on the revocation list. */
	isRevoked(ticketId: string): boolean;
	nowS: number;
	leewayS: number;
}

export function verifyCode(input: VerifyInput): Verification {
	const parsed = parseCompact(input.code);
	if (!parsed) return { result: "invalid_signature" };
	const key = input.keyOf(parsed.header.kid);
	if (!key || !verifySignature(parsed, key.publicKey)) return { result: "invalid_signature" };
	const claims = fromWire(parsed.payload);
	// Signed by us but not a ticket payload: never produced by the issuer, so treat as forged.
	if (!claims) return { result: "invalid_signature" };
	if (claims.eventId !== input.eventId || key.eventId !== input.eventId) return { result: "wrong_event", claims };
	if (input.isRevoked(claims.ticketId)) return { result: "revoked", claims };
	if (!isValidAt(claims, input.nowS, input.leewayS)) return { result: "not_valid_now", claims };
	return { result: "ok", claims };
}

/** What the server knows about a ticket when a scan reaches it (read under the row lock). */
export interface TicketState {
	status: "valid" | "used" | "revoked";
	allowsReentry: boolean;
	/** First entry; null before any. */
	checkedInAt: Date | null;
	revokedAt: Date | null;
}

export interface Decision {
	result: CheckInResult;
	/** Record this scan as an entry (first entry, or a re-entry the type allows). */
	enter: boolean;
	/** The first entry's time after this decision. */
	checkedInAt: Date | null;
}

/** An online scan of a code `verifyCode` accepted. */
export function decideOnline(ticket: TicketState | null, at: Date): Decision {
	// A verified code whose row is gone or revoked: the revocation list may simply not have reached this node's cache yet.
	if (!ticket || ticket.status === "revoked") return { result: "revoked", enter: false, checkedInAt: ticket?.checkedInAt ?? null };
	if (ticket.status === "valid") return { result: "ok", enter: true, checkedInAt: at };
	if (ticket.allowsReentry) return { result: "ok", enter: true, checkedInAt: ticket.checkedInAt };
	return { result: "already_checked_in", enter: false, checkedInAt: ticket.checkedInAt };
}

export interface SyncDecision extends Decision {
	/**
	 * Double entry found: the ticket had already entered at `checkedInAt` when
	 * this scan let it in (`laterScan` = this one), or this scan came first and
	 * the entry recorded before the upload was the second (`laterScan` = that one).
	 */
	conflict: null | { laterScan: "this" | "recorded" };
}

/** An offline scan, made at `scannedAt`, uploaded now: first scan wins. */
export function decideSync(ticket: TicketState | null, scannedAt: Date): SyncDecision {
	if (!ticket) return { result: "revoked", enter: false, checkedInAt: null, conflict: null };
	// Revoked after the scan: the scan was honest when it happened, so it counts.
	if (ticket.status === "revoked" && ticket.revokedAt && ticket.revokedAt.getTime() <= scannedAt.getTime())
		return { result: "revoked", enter: false, checkedInAt: ticket.checkedInAt, conflict: null };
	const first = ticket.checkedInAt;
	if (!first) return { result: "ok", enter: true, checkedInAt: scannedAt, conflict: null };
	if (ticket.allowsReentry) return { result: "ok", enter: true, checkedInAt: first.getTime() <= scannedAt.getTime() ? first : scannedAt, conflict: null };
	if (first.getTime() <= scannedAt.getTime()) return { result: "already_checked_in", enter: false, checkedInAt: first, conflict: { laterScan: "this" } };
	return { result: "ok", enter: true, checkedInAt: scannedAt, conflict: { laterScan: "recorded" } };
}
