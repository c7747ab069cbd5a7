/**
 * GET /users/:idOrUsername: a UUID is an id, anything else must be a valid
 * username (auth's rules, so a lookup can never match a name auth would not
 * have issued). Usernames are lowercase; "@Asha_M" finds "asha_m".
 */
import { isUuid } from "../../../lib/ids";
import { USERNAME_PATTERN } from "../../auth/rules/username";

export type ProfileKey = { kind: "id"; value: string } | { kind: "username"; value: string };

export function parseProfileKey(input: string): ProfileKey | null {
	const raw = input.trim();
	const id = isUuid(raw) ? raw.toLowerCase() : null;
	if (id) return { kind: "id", value: id };
	const name = raw.replace(/^@/, "").toLowerCase();
	// Deleted accounts' placeholders (deleted_…) match the pattern but are never found: their rows are tombstones.
	return USERNAME_PATTERN.test(name) ? { kind: "username", value: name } : null;
}
