/**
 * Firebase Cloud Messaging HTTP v1 simulator (PROVIDERS.md §5.3), with the
 * OAuth2 token endpoint of a Google service account:
 *   POST <token_uri>  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>
 *   POST /v1/projects/{project}/messages:send  Authorization: Bearer <access token>
 * The simulator owns a service account (like the JSON file downloaded from
 * the Firebase console) and checks the assertion's signature, issuer,
 * audience, scope and lifetime. Tokens a test declared dead answer 404
 * UNREGISTERED, as FCM does for an uninstalled app.
 */
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import type { Inbox, PushMessage, SimResponse } from "./inbox";

export const FCM_PROJECT_ID = "nexgate-sim";
const CLIENT_EMAIL = `notifications@${FCM_PROJECT_ID}.iam.gserviceaccount.com`;
const SCOPES = ["https://www.googleapis.com/auth/firebase.messaging", "https://www.googleapis.com/auth/cloud-platform"];
const MAX_PAYLOAD_BYTES = 4096;

export interface ServiceAccountJson {
	type: "service_account";
	project_id: string;
	private_key_id: string;
	private_key: string;
	client_email: string;
	token_uri: string;
}

function fcmError(status: number, statusText: string, message: string, errorCode?: string): SimResponse {
	return {
		status,
		body: {
			error: {
				code: status,
				message,
				status: statusText,
				details: errorCode ? [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode }] : []
			}
		}
	};
}

export class FcmSimulator {
	private readonly keys = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
	private readonly keyId = crypto.randomBytes(20).toString("hex");
	private readonly accessTokens = new Map<string, number>();
	private readonly unregistered = new Set<string>();

	constructor(private readonly inbox: Inbox<PushMessage>) {}

	/** The service-account JSON a developer would download; `tokenUri` is where this simulator's token endpoint is mounted. */
	serviceAccount(tokenUri: string): ServiceAccountJson {
		return {
			type: "service_account",
			project_id: FCM_PROJECT_ID,
			private_key_id: this.keyId,
			private_key: this.keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
			client_email: CLIENT_EMAIL,
			token_uri: tokenUri
		};
	}

	unregister(token: string): void {
		this.unregistered.add(token);
	}

	token(params: Record<string, unknown>, tokenUri: string): SimResponse {
		if (params.grant_type !== "urn:ietf:params:oauth:grant-type:jwt-bearer")
			return { status: 400, body: { error: "unsupported_grant_type", error_description: "Invalid grant_type" } };
		if (typeof params.assertion !== "string") return { status: 400, body: { error: "invalid_request", error_description: "Missing required parameter: assertion" } };
		let claims: jwt.JwtPayload;
		try {
			claims = jwt.verify(params.assertion, this.keys.publicKey, { algorithms: ["RS256"], audience: tokenUri, issuer: CLIENT_EMAIL }) as jwt.JwtPayload;
		} catch (err) {
			return { status: 400, body: { error: "invalid_grant", error_description: `Invalid JWT: ${(err as Error).message}` } };
		}
		if (typeof claims.iat !== "number" || typeof claims.exp !== "number" || claims.exp - claims.iat > 3600)
			return { status: 400, body: { error: "invalid_grant", error_description: "Invalid JWT: Token must be a short-lived token (60 minutes)" } };
		const scopes = String(claims.scope ?? "").split(" ");
		if (!scopes.some(s => SCOPES.includes(s))) return { status: 400, body: { error: "invalid_scope", error_description: "Invalid OAuth scope" } };
		const accessToken = `ya29.sim-${crypto.randomBytes(24).toString("base64url")}`;
		this.accessTokens.set(accessToken, Date.now() + 3600_000);
		return { status: 200, body: { access_token: accessToken, expires_in: 3599, token_type: "Bearer" } };
	}

	send(projectId: string, authorization: string | undefined, params: Record<string, unknown>): SimResponse {
		const bearer = /^Bearer\s+(.+)$/i.exec(authorization ?? "")?.[1];
		const expires = bearer ? this.accessTokens.get(bearer) : undefined;
		if (!expires || expires < Date.now())
			return fcmError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 access token.", "THIRD_PARTY_AUTH_ERROR");
		if (projectId !== FCM_PROJECT_ID) return fcmError(403, "PERMISSION_DENIED", `Permission denied on project ${projectId}`, "SENDER_ID_MISMATCH");
		const message = params.message as { token?: unknown; topic?: unknown; notification?: unknown; data?: Record<string, unknown>; android?: unknown; apns?: unknown } | undefined;
		if (!message || typeof message !== "object") return fcmError(400, "INVALID_ARGUMENT", "Request contains an invalid argument: message is required", "INVALID_ARGUMENT");
		if (typeof message.token !== "string") return fcmError(400, "INVALID_ARGUMENT", "Only messages to a registration token are simulated", "INVALID_ARGUMENT");
		if (message.data && Object.values(message.data).some(v => typeof v !== "string"))
			return fcmError(400, "INVALID_ARGUMENT", "Invalid value at 'message.data': values must be strings", "INVALID_ARGUMENT");
		if (Buffer.byteLength(JSON.stringify(message)) > MAX_PAYLOAD_BYTES) return fcmError(400, "INVALID_ARGUMENT", "Message is too big", "INVALID_ARGUMENT");
		if (!/^[\w:.-]{16,}$/.test(message.token))
			return fcmError(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", "INVALID_ARGUMENT");
		if (this.unregistered.has(message.token)) return fcmError(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED");
		const id = `0:${Date.now()}%${crypto.randomBytes(8).toString("hex")}`;
		this.inbox.add({
			id,
			projectId,
			token: message.token,
			notification: (message.notification as PushMessage["notification"]) ?? null,
			data: (message.data as Record<string, string>) ?? {},
			android: message.android ?? null,
			apns: message.apns ?? null,
			receivedAt: new Date().toISOString()
		});
		return { status: 200, body: { name: `projects/${projectId}/messages/${id}` } };
	}
}
