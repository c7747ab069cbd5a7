/**
 * The auth domain's error types (stable `type` strings clients switch on),
 * built on the platform's one error vocabulary (lib/errors.ts).
 */
import { badRequest, conflict, forbidden, notFound, tooManyRequests, unauthorized } from "../../lib/errors";

export const AuthError = {
	invalidIdentifier: () => badRequest("Not a valid email address or supported mobile number", "INVALID_IDENTIFIER"),
	/** Same error, same wording for an unknown account and a wrong password. */
	invalidCredentials: () => unauthorized("Invalid credentials", "INVALID_CREDENTIALS"),
	weakPassword: (problems: string[]) => badRequest("The password is too weak", "WEAK_PASSWORD", { problems }),
	invalidUsername: () => badRequest("Usernames are 3–30 lowercase letters, digits or underscores", "INVALID_USERNAME"),
	accountExists: () => conflict("An account with this phone or email already exists", "ACCOUNT_EXISTS"),
	usernameTaken: () => conflict("This username is taken", "USERNAME_TAKEN"),
	notVerified: () => forbidden("The account is not verified yet: request a code with POST /auth/otp (purpose verify)", "ACCOUNT_NOT_VERIFIED"),
	suspended: () => forbidden("The account is suspended", "ACCOUNT_SUSPENDED"),
	invalidCode: (attemptsLeft: number) => badRequest("Invalid or expired code", "INVALID_CODE", { attemptsLeft }),
	tooManyAttempts: (retryAfterS: number, scope: string) => tooManyRequests(retryAfterS, { reason: "TOO_MANY_ATTEMPTS", scope }),
	otpLimited: (retryAfterS: number, scope: string) => tooManyRequests(retryAfterS, { reason: "OTP_LIMIT", scope }),
	invalidRefreshToken: () => unauthorized("Invalid refresh token", "INVALID_REFRESH_TOKEN"),
	refreshTokenReused: () => unauthorized("Refresh token already used: the session has been revoked", "REFRESH_TOKEN_REUSED"),
	sessionExpired: () => unauthorized("The session has expired: sign in again", "SESSION_EXPIRED"),
	sessionRevoked: () => unauthorized("The session has been revoked", "SESSION_REVOKED"),
	sessionNotFound: () => notFound("Session not found", "SESSION_NOT_FOUND"),
	accountNotFound: () => notFound("Account not found", "ACCOUNT_NOT_FOUND"),
	wrongPassword: () => forbidden("The current password is not correct", "INVALID_PASSWORD"),
	providerNotFound: () => notFound("Unknown sign-in provider", "PROVIDER_NOT_FOUND"),
	invalidState: () => badRequest("Unknown, expired or already used sign-in state", "INVALID_STATE"),
	oauthDenied: (error: string) => unauthorized("The provider did not authorise the sign-in", "OAUTH_DENIED", { error }),
	oauthFailed: () => unauthorized("Signing in with the provider failed", "OAUTH_FAILED"),
	emailNotLinkable: () =>
		conflict("An account uses this email but has not verified it: sign in to it and verify the email first", "EMAIL_NOT_LINKABLE"),
	recentSignInRequired: () => forbidden("Sign in again (within 15 minutes) to delete this account", "RECENT_SIGN_IN_REQUIRED"),
	cannotChangeSelf: () => conflict("Administrators cannot suspend themselves", "CANNOT_SUSPEND_SELF"),
	notAnAdministrator: () => forbidden("Operator commands act in the name of an active administrator account", "NOT_AN_ADMINISTRATOR"),
	invalidStatus: (status: string) => conflict(`The account is ${status}`, "INVALID_ACCOUNT_STATUS", { status })
};
