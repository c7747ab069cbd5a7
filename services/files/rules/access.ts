/**
 * Who may read a file (docs/files.md "Access"). Public purposes are readable
 * by anyone; private ones (message, verification) by the owner, and by whom
 * the domain that holds the file says: the first segment of its `ref`
 * (`messages:conversation:<id>` → `messages.canReadFile`). A private file that
 * is attached to nothing is its owner's alone.
 */
import { isPrivate } from "./limits";

export type ReadDecision = { kind: "allow" } | { kind: "deny" } | { kind: "ask"; domain: string };

export interface AccessFacts {
	ownerId: string;
	purpose: string;
	ref: string | null;
}

/** A ref is `<domain>:<anything>`; the domain must look like a service name. */
export function refDomain(ref: string): string | null {
	const m = /^([a-z][a-z0-9-]{0,39}):./.exec(ref);
	return m ? m[1] : null;
}

export function readDecision(file: AccessFacts, viewerId: string | null): ReadDecision {
	if (viewerId && viewerId === file.ownerId) return { kind: "allow" };
	if (!isPrivate(file.purpose)) return { kind: "allow" };
	if (!viewerId || !file.ref) return { kind: "deny" };
	const domain = refDomain(file.ref);
	return domain ? { kind: "ask", domain } : { kind: "deny" };
}
