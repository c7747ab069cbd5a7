/**
 * Social events that reach people (lib/events/catalogue.ts, docs/social.md):
 * likes, comments, reposts and replies are grouped per post (or comment)
 * while unread — "Asha and 3 others liked your post" — as Mastodon groups
 * favourites and boosts; mentions and quotes are one notification each.
 * Nobody is notified about their own activity.
 */
import { registerEventMapping } from "./registry";

const others = (ids: Array<string | null>, actorId: string) => [...new Set(ids.filter((id): id is string => Boolean(id) && id !== actorId))];

registerEventMapping("social.post.liked", {
	type: "social.post_liked",
	category: "social",
	template: "social.post_liked",
	recipients: d => others([d.authorId], d.likerId),
	data: d => ({ postId: d.postId }),
	group: {
		key: d => `post_liked:${d.postId}`,
		actor: d => ({ id: d.likerId, name: d.liker.displayName }),
		templates: { one: "social.post_liked", two: "social.post_liked.two", many: "social.post_liked.many" }
	}
});

registerEventMapping("social.comment.created", {
	type: "social.post_commented",
	category: "social",
	template: "social.post_commented",
	// A reply to the post author's own comment reaches them as a reply (social.comment.replied), not twice.
	recipients: d => (d.parentAuthorId === d.postAuthorId ? [] : others([d.postAuthorId], d.authorId)),
	data: d => ({ postId: d.postId, commentId: d.commentId }),
	group: {
		key: d => `post_commented:${d.postId}`,
		actor: d => ({ id: d.authorId, name: d.author.displayName }),
		templates: { one: "social.post_commented", two: "social.post_commented.two", many: "social.post_commented.many" }
	}
});

registerEventMapping("social.comment.replied", {
	type: "social.comment_replied",
	category: "social",
	template: "social.comment_replied",
	recipients: d => others([d.parentAuthorId], d.authorId),
	data: d => ({ postId: d.postId, commentId: d.commentId, parentId: d.parentId }),
	group: {
		key: d => `comment_replied:${d.parentId}`,
		actor: d => ({ id: d.authorId, name: d.author.displayName }),
		templates: { one: "social.comment_replied", two: "social.comment_replied.two", many: "social.comment_replied.many" }
	}
});

registerEventMapping("social.post.reposted", {
	type: "social.post_reposted",
	category: "social",
	template: "social.post_reposted",
	recipients: d => others([d.authorId], d.reposterId),
	data: d => ({ postId: d.postId }),
	group: {
		key: d => `post_reposted:${d.postId}`,
		actor: d => ({ id: d.reposterId, name: d.reposter.displayName }),
		templates: { one: "social.post_reposted", two: "social.post_reposted.two", many: "social.post_reposted.many" }
	}
});

registerEventMapping("social.mention.created", {
	type: "social.mentioned",
	category: "social",
	template: "social.mentioned",
	recipients: d => others(d.mentionedIds, d.authorId),
	params: d => ({ actor: d.author.displayName }),
	data: d => ({ postId: d.postId, userId: d.authorId })
});

registerEventMapping("social.post.quoted", {
	type: "social.post_quoted",
	category: "social",
	template: "social.post_quoted",
	recipients: d => others([d.quotedAuthorId], d.authorId),
	params: d => ({ actor: d.author.displayName }),
	data: d => ({ postId: d.postId, quotedPostId: d.quotedPostId })
});
