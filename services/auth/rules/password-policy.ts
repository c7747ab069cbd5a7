/**
 * What a new password must be (NIST SP 800-63B §5.1.1.2): long enough, not
 * absurdly long, not one that attackers try first, and not the account's own
 * phone, email or name. No composition rules ("one digit, one symbol"): they
 * push people to "Password1!" and add nothing.
 */
import fs from "node:fs";
import path from "node:path";

export const MIN_PASSWORD_LENGTH = 8;
/** scrypt reads the whole input; a bound keeps a megabyte "password" from costing anything. */
export const MAX_PASSWORD_LENGTH = 128;

export type PasswordProblem = "TOO_SHORT" | "TOO_LONG" | "COMMON" | "CONTAINS_PERSONAL_DATA" | "REPETITIVE";

let common: Set<string> | null = null;

/** The common/breached list (services/auth/data/common-passwords.txt), read once. */
export function commonPasswords(): Set<string> {
	if (!common) {
		const file = path.join(__dirname, "..", "data", "common-passwords.txt");
		common = new Set(fs.readFileSync(file, "utf8").split("\n").map(l => l.trim()).filter(Boolean));
	}
	return common;
}

export interface PersonalData {
	phone?: string | null;
	email?: string | null;
	username?: string | null;
	displayName?: string | null;
}

/** Fragments of the account's own data that must not be the core of its password. */
function personalFragments(data: PersonalData): string[] {
	const out: string[] = [];
	if (data.phone) out.push(data.phone.replace(/\D/g, "").slice(-9));
	if (data.email) out.push(data.email.split("@")[0]);
	if (data.username) out.push(data.username);
	if (data.displayName) out.push(...data.displayName.toLowerCase().split(/\s+/));
	return out.map(f => f.toLowerCase()).filter(f => f.length >= 4);
}

/** Every problem with the password; empty when acceptable. */
export function checkPassword(password: string, personal: PersonalData = {}): PasswordProblem[] {
	const problems: PasswordProblem[] = [];
	// Length in code points, so a password of emoji or accented letters is not penalised.
	const length = [...password].length;
	if (length < MIN_PASSWORD_LENGTH) problems.push("TOO_SHORT");
	if (length > MAX_PASSWORD_LENGTH) problems.push("TOO_LONG");
	const lower = password.toLowerCase();
	if (commonPasswords().has(lower)) problems.push("COMMON");
	else if (new Set(lower).size <= 2) problems.push("REPETITIVE");
	const bare = lower.replace(/[^a-z0-9]/g, "");
	if (personalFragments(personal).some(f => lower.includes(f) || (bare.length > 0 && f.includes(bare))))
		problems.push("CONTAINS_PERSONAL_DATA");
	return problems;
}
