/**
 * Users events that reach people (lib/events/catalogue.ts): a new follower
 * (grouped: "Asha and 3 others started following you"), a follow request to
 * a private account, and the request's acceptance. Follows made by accepting
 * a request do not tell the acceptor about their own decision.
 */
import { registerEventMapping } from "./registry";

registerEventMapping("users.follow.created", {
	type: "social.new_follower",
	category: "social",
	template: "social.new_follower",
	recipients: d => (d.via === "direct" ? [d.followeeId] : []),
	data: d => ({ userId: d.followerId }),
	group: {
		key: d => `new_follower:${d.followeeId}`,
		actor: d => ({ id: d.followerId, name: d.follower.displayName }),
		templates: { one: "social.new_follower", two: "social.new_follower.two", many: "social.new_follower.many" }
	}
});

registerEventMapping("users.follow.requested", {
	type: "social.follow_request",
	category: "social",
	template: "social.follow_request",
	recipients: d => [d.targetId],
	params: d => ({ actor: d.requester.displayName }),
	data: d => ({ userId: d.requesterId })
});

registerEventMapping("users.follow.accepted", {
	type: "social.follow_request_accepted",
	category: "social",
	template: "social.follow_request_accepted",
	recipients: d => [d.requesterId],
	params: d => ({ actor: d.target.displayName }),
	data: d => ({ userId: d.targetId })
});
