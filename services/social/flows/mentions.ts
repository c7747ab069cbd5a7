/**
 * @usernames → users. Each name is looked up as the author sees it (users
 * answers 404 when that user blocked the author); then the author's own
 * relationships decide: no mention across a block either way, and only users
 * who can see the post are mentioned (and so notified and listed).
 */
import { mentionAllowed, type Visibility } from "../rules/visibility";
import type { MentionRef } from "../store/posts";
import type { SocialRuntime } from "../runtime";

export async function resolveMentions(
	rt: SocialRuntime,
	author: { id: string; isPrivate: boolean },
	usernames: string[],
	visibility: Visibility
): Promise<MentionRef[]> {
	if (usernames.length === 0) return [];
	const found = (await Promise.all(usernames.map(u => rt.peers.userByUsername(u, author.id)))).filter((u): u is MentionRef => Boolean(u));
	if (found.length === 0) return [];
	const rels = await rt.peers.relationships(author.id, found.map(u => u.id));
	return found.filter(u => {
		const rel = rels.get(u.id);
		return mentionAllowed({
			authorId: author.id,
			mentionedId: u.id,
			visibility,
			authorIsPrivate: author.isPrivate,
			author: { followedBy: rel?.followedBy ?? false, blocking: rel?.blocking ?? false, blockedBy: rel?.blockedBy ?? false }
		});
	});
}
