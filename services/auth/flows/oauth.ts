/**
 * Signing in with an OpenID Connect provider (authorization code + PKCE).
 *
 * start:    state, nonce and PKCE verifier are stored server-side (hashed state,
 *           10 minutes, single use) → 302 to the provider.
 * callback: the state is consumed (deleted) before anything else, so a replay
 *           of the same redirect fails; the code is exchanged with the verifier
 *           (the provider refuses a code used twice); the ID token is validated;
 *           then the account: an existing link, else an account whose email we
 *           have verified and the provider asserts as verified, else a new one.
 */
import { Op, QueryTypes, type Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { AuthError } from "../errors";
import { Account, OAuthLink, OAuthState, type PendingDevice } from "../models";
import { languageFrom } from "../rules/language";
import { newPkce, randomToken, stateHash, type VerifiedIdentity } from "../rules/oauth";
import { OAuthError, type OidcClient } from "../providers/oidc-client";
import type { AuthRuntime, ClientInfo, DeviceInput } from "../runtime";
import { deviceOf } from "../runtime";
import { pickUsername } from "./register";
import { openSession, type TokenPair } from "./sessions";

const STATE_TTL_MS = 10 * 60_000;

function clientFor(rt: AuthRuntime, provider: string): OidcClient {
	const client = rt.oidc.get(provider);
	if (!client) throw AuthError.providerNotFound();
	return client;
}

export async function startOAuth(
	rt: AuthRuntime,
	provider: string,
	input: { device?: DeviceInput; language?: "en" | "sw" },
	client: ClientInfo
): Promise<string> {
	const oidc = clientFor(rt, provider);
	const state = randomToken();
	const nonce = randomToken();
	const pkce = newPkce();
	let url: string;
	try {
		url = await oidc.authorizationUrl({ state, nonce, codeChallenge: pkce.challenge });
	} catch (err) {
		rt.logger.warn((err as Error).message);
		throw AuthError.oauthFailed();
	}
	await OAuthState.create({
		stateHash: stateHash(state),
		provider,
		nonce,
		codeVerifier: pkce.verifier,
		device: deviceOf(input.device, newId),
		language: languageFrom(input.language, client.acceptLanguage),
		expiresAt: new Date(Date.now() + STATE_TTL_MS)
	});
	// Old unfinished sign-ins are of no use: keep the table small.
	await OAuthState.destroy({ where: { expiresAt: { [Op.lt]: new Date() } } });
	return url;
}

interface ConsumedState {
	nonce: string;
	code_verifier: string;
	device: PendingDevice;
	language: "en" | "sw";
	expires_at: Date;
}

export async function finishOAuth(
	rt: AuthRuntime,
	provider: string,
	input: { code?: string; state?: string; error?: string },
	client: ClientInfo
): Promise<TokenPair> {
	const oidc = clientFor(rt, provider);
	if (!input.state) throw AuthError.invalidState();
	// Single use: the row is gone after this statement, whatever happens next.
	const [state] = await rt.sequelize.query<ConsumedState>(
		`DELETE FROM auth.oauth_states WHERE state_hash = :hash AND provider = :provider RETURNING nonce, code_verifier, device, language, expires_at`,
		{ replacements: { hash: stateHash(input.state), provider }, type: QueryTypes.SELECT }
	);
	if (!state || new Date(state.expires_at).getTime() <= Date.now()) throw AuthError.invalidState();
	if (input.error) throw AuthError.oauthDenied(String(input.error).slice(0, 64));
	if (!input.code) throw AuthError.oauthFailed();

	let identity: VerifiedIdentity;
	try {
		identity = await oidc.signIn(input.code, state.code_verifier, state.nonce);
	} catch (err) {
		if (err instanceof OAuthError) {
			rt.logger.warn(`OAuth sign-in refused: ${err.message}`);
			throw AuthError.oauthFailed();
		}
		throw err;
	}
	return inTransaction(rt.sequelize, async t => {
		const account = await accountFor(rt, t, provider, identity, state.language);
		if (account.status === "suspended") throw AuthError.suspended();
		return openSession(rt, t, account, state.device, client, `oauth:${provider}`);
	});
}

async function accountFor(
	rt: AuthRuntime,
	t: Transaction,
	provider: string,
	identity: VerifiedIdentity,
	language: "en" | "sw"
): Promise<Account> {
	const link = await OAuthLink.findOne({ where: { provider, subject: identity.subject }, transaction: t });
	if (link) {
		const linked = await Account.findByPk(link.accountId, { transaction: t, lock: t.LOCK.UPDATE });
		if (linked && linked.status !== "deleted") return linked;
	}

	let account: Account | null = null;
	if (identity.email && identity.emailVerified) {
		const existing = await Account.findOne({ where: { email: identity.email }, transaction: t, lock: t.LOCK.UPDATE });
		if (existing?.emailVerifiedAt && existing.status !== "deleted") account = existing;
		else if (existing?.status === "pending") {
			// Never verified: whoever registered it never proved the mailbox; the provider just did.
			await existing.destroy({ transaction: t });
			await rt.raiseEvent(t, "auth.user.deleted", { userId: existing.id }, null);
		} else if (existing) throw AuthError.emailNotLinkable();
	}

	if (!account) {
		const email = identity.email && identity.emailVerified ? identity.email : null;
		const displayName = identity.name ?? (email ? email.split("@")[0] : "New user");
		account = await Account.create(
			{
				id: newId(),
				username: await pickUsername(t, undefined, displayName),
				displayName,
				email,
				emailVerifiedAt: email ? new Date() : null,
				language,
				roles: ["user"],
				status: "active"
			},
			{ transaction: t }
		);
		await rt.raiseEvent(
			t,
			"auth.user.registered",
			{ userId: account.id, username: account.username, displayName, phone: null, email, language },
			account.id
		);
		if (email) await rt.raiseEvent(t, "auth.user.verified", { userId: account.id, channel: "email" }, account.id);
	}
	await OAuthLink.create({ provider, subject: identity.subject, accountId: account.id, email: identity.email }, { transaction: t });
	return account;
}
