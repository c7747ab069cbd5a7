/**
 * Usernames: every account has one (API.md users), lowercase letters, digits
 * and underscores, 3–30 characters. When none is given it is made from the
 * display name, and a clash gets a random suffix.
 */
import crypto from "node:crypto";

export const USERNAME_PATTERN = /^[a-z0-9_]{3,30}$/;

/** Names that would impersonate the platform or collide with routes. */
const RESERVED = new Set([
	"admin", "administrator", "root", "system", "support", "help", "nexgate", "api", "auth", "me", "users",
	"settings", "security", "official", "moderator", "staff", "team", "null", "undefined", "deleted"
]);

export function validUsername(name: string): boolean {
	return USERNAME_PATTERN.test(name) && !RESERVED.has(name) && !name.startsWith("deleted_");
}

/** "Asha Mwinyi-Juma" → "asha_mwinyi_juma"; too short or reserved → "user". */
export function usernameBase(displayName: string): string {
	const base = displayName
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "_")
		.replace(/^_+|_+$/g, "")
		.slice(0, 24)
		.replace(/_+$/g, "");
	return base.length >= 3 && validUsername(base) ? base : "user";
}

/** The base with a random numeric suffix, for when the base is taken. */
export function usernameCandidate(base: string): string {
	return `${base.slice(0, 24)}_${crypto.randomInt(1000, 1_000_000)}`;
}
