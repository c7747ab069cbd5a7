/**
 * The `ref` under which a message's attachments are claimed in files:
 * `messages:conversation:<conversationId>`. files asks messages.canReadFile
 * with it, and the members of that conversation may read the file.
 */
const PREFIX = "messages:conversation:";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function fileRef(conversationId: string): string {
	return `${PREFIX}${conversationId.toLowerCase()}`;
}

/** The conversation a ref names, or null when the ref is not one of ours. */
export function conversationOfRef(ref: string | null | undefined): string | null {
	if (!ref || !ref.startsWith(PREFIX)) return null;
	const id = ref.slice(PREFIX.length);
	return UUID.test(id) ? id.toLowerCase() : null;
}
