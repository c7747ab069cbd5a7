/** The social domain's error types (docs/social.md lists them). */
import { badRequest, conflict, ErrorType, forbidden, notFound, unprocessable } from "../../lib/errors";

export const SocialError = {
	invalid: (field: string, message: string) => badRequest(`${field}: ${message}`, ErrorType.VALIDATION_ERROR, [{ field, type: "invalid", message }]),
	/** Absent, deleted, or not visible to the caller: the same answer, so hidden posts do not leak. */
	postNotFound: () => notFound("Post not found", "POST_NOT_FOUND"),
	commentNotFound: () => notFound("Comment not found", "COMMENT_NOT_FOUND"),
	notAuthor: () => forbidden("Only the author may change this post", "NOT_POST_AUTHOR"),
	cannotDeleteComment: () => forbidden("Only the comment's author or the post's author may delete it", "NOT_COMMENT_AUTHOR"),
	embedUnavailable: (type: string) => unprocessable(`The ${type} cannot be checked right now`, "EMBED_UNAVAILABLE", { type }),
	embedNotFound: (type: string, id: string) => unprocessable(`No ${type} ${id} can be embedded`, "EMBED_NOT_FOUND", { type, id }),
	notRepostable: () => unprocessable("Only public posts can be reposted or quoted", "NOT_SHAREABLE"),
	invalidParent: () => unprocessable("Replies go to a top-level comment of the same post", "INVALID_PARENT"),
	noPoll: () => notFound("This post has no poll", "POLL_NOT_FOUND"),
	pollExpired: () => unprocessable("The poll has ended", "POLL_EXPIRED"),
	invalidChoice: () => unprocessable("Choose one option of this poll (several only when it allows multiple)", "INVALID_CHOICE"),
	alreadyVoted: () => conflict("You already voted in this poll", "ALREADY_VOTED"),
	invalidTag: () => badRequest("Not a hashtag", ErrorType.VALIDATION_ERROR, [{ field: "tag", type: "invalid", message: "letters, digits or underscores with at least one letter" }]),
	userNotFound: () => notFound("User not found", "USER_NOT_FOUND")
};
