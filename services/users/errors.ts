/** The users domain's errors: stable types clients can switch on (lib/errors.ts helpers). */
import { badRequest, conflict, ErrorType, forbidden, notFound, unprocessable } from "../../lib/errors";

export const UsersError = {
	/** Unknown, deleted, or blocking the caller (a blocked user cannot tell the difference). */
	userNotFound: () => notFound("User not found", "USER_NOT_FOUND"),
	/** The caller's own profile is not there yet: its registration is still on its way from auth. */
	profileNotReady: () => conflict("Your profile is being set up; try again in a moment", "PROFILE_NOT_READY"),
	cannotFollowSelf: () => unprocessable("You cannot follow yourself", "CANNOT_FOLLOW_SELF"),
	cannotBlockSelf: () => unprocessable("You cannot block yourself", "CANNOT_BLOCK_SELF"),
	cannotMuteSelf: () => unprocessable("You cannot mute yourself", "CANNOT_MUTE_SELF"),
	/** Following someone you block: unblock first. */
	youBlockThem: () => conflict("You block this user; unblock them first", "USER_BLOCKED"),
	requestNotFound: () => notFound("Follow request not found", "FOLLOW_REQUEST_NOT_FOUND"),
	listPrivate: () => forbidden("This account is private", "PRIVATE_ACCOUNT"),
	listHidden: () => forbidden("This account does not show its followers", "FOLLOWERS_HIDDEN"),
	invalidLookup: () => badRequest("Not a user id or a valid username", ErrorType.VALIDATION_ERROR, [{ field: "idOrUsername", type: "format", message: "a user id or a username" }]),
	invalidField: (field: string, message: string) => badRequest(`${field} ${message}`, ErrorType.VALIDATION_ERROR, [{ field, type: "format", message }])
};
