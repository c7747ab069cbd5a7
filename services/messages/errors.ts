/** The messages domain's errors: stable types clients can switch on (lib/errors.ts helpers). */
import { badRequest, conflict, ErrorType, forbidden, notFound, unprocessable } from "../../lib/errors";

export const MessagesError = {
	/** Unknown, or one the caller is not a member of: a non-member cannot tell the difference. */
	conversationNotFound: () => notFound("Conversation not found", "CONVERSATION_NOT_FOUND"),
	messageNotFound: () => notFound("Message not found", "MESSAGE_NOT_FOUND"),
	/** users.canMessage refused: `reason` is blocked, nobody (they accept no messages) or not_follower. */
	notAllowed: (userId: string, reason: string) =>
		forbidden("This user cannot receive messages from you", "MESSAGING_NOT_ALLOWED", { userId, reason }),
	unknownUsers: (userIds: string[]) => unprocessable("Some members are not users", "UNKNOWN_USERS", { userIds }),
	noMembers: () => unprocessable("A conversation needs at least one other member", "NO_MEMBERS"),
	tooManyMembers: (max: number) => unprocessable(`A group has at most ${max} members`, "TOO_MANY_MEMBERS", { max }),
	emptyMessage: () =>
		badRequest("A message needs text, files or an embed", ErrorType.VALIDATION_ERROR, [{ field: "text", type: "required", message: "text, fileIds or embed is required" }]),
	notSender: () => forbidden("Only the sender may edit this message", "NOT_YOUR_MESSAGE"),
	deleteNotAllowed: () => forbidden("Only the sender or a group admin may delete this message", "NOT_YOUR_MESSAGE"),
	messageDeleted: () => conflict("This message was deleted", "MESSAGE_DELETED"),
	editWindowClosed: () => unprocessable("This message can no longer be edited", "EDIT_WINDOW_CLOSED"),
	notAnEmoji: () =>
		badRequest("A reaction is one emoji", ErrorType.VALIDATION_ERROR, [{ field: "emoji", type: "emoji", message: "one emoji" }]),
	noText: () => unprocessable("Only a message's text can be edited", "NOTHING_TO_EDIT"),
	notGroup: () => unprocessable("Only group conversations have members to manage", "NOT_A_GROUP"),
	notAdmin: () => forbidden("Only a group admin may do this", "NOT_GROUP_ADMIN"),
	/** The product or event does not exist, or the order is not the sender's (as buyer or seller). */
	embedNotFound: (type: string, id: string) => unprocessable(`No ${type} to embed`, "EMBED_NOT_FOUND", { type, id }),
	embedUnavailable: (type: string) => unprocessable(`The ${type} cannot be checked right now; try again`, "EMBED_UNAVAILABLE", { type }),
};
