/**
 * The access-token signing keys (RSA-2048, RS256) shared by every auth node
 * through the database. Private keys are sealed with the KEK
 * (rules/key-encryption); each node keeps the decrypted current key in memory.
 *
 * Rotation (`rotate`, see docs/auth.md): a new key becomes current at once; the
 * previous one stops signing but stays in the JWKS for ACCESS_TOKEN_TTL plus a
 * margin that also covers nodes still signing with it until their next reload,
 * so no token it signed is refused before it expires.
 */
import crypto, { type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { Op, type Sequelize } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { SigningKey } from "../models";
import { decryptPrivateKey, encryptPrivateKey } from "../rules/key-encryption";
import { ACCESS_TOKEN_TTL_S } from "../rules/tokens";

const RELOAD_MS = 60_000;
/** Retired keys stay published for the token lifetime plus this (reload lag, clock skew). */
const PUBLISH_MARGIN_MS = 5 * 60_000;
const LOCK = "hashtext('nexgate.auth.signing_keys')";

export interface PublicJwk {
	kty: string;
	kid: string;
	alg: "RS256";
	use: "sig";
	n: string;
	e: string;
}

export interface AccessClaims {
	sub: string;
	sid: string;
	roles: string[];
}

/** RFC 7638 thumbprint: the kid is derived from the key itself, so it is stable and unique. */
function thumbprint(jwk: { e?: string; kty?: string; n?: string }): string {
	return crypto.createHash("sha256").update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest("base64url");
}

async function generateKey(kek: Buffer): Promise<{ kid: string; publicJwk: PublicJwk; privateKeySealed: string }> {
	const { publicKey, privateKey } = await new Promise<{ publicKey: KeyObject; privateKey: KeyObject }>((resolve, reject) =>
		crypto.generateKeyPair("rsa", { modulusLength: 2048 }, (err, pub, priv) => (err ? reject(err) : resolve({ publicKey: pub, privateKey: priv })))
	);
	const raw = publicKey.export({ format: "jwk" });
	const kid = thumbprint(raw);
	const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
	return {
		kid,
		publicJwk: { kty: "RSA", kid, alg: "RS256", use: "sig", n: raw.n as string, e: raw.e as string },
		privateKeySealed: encryptPrivateKey(pem, kek, kid)
	};
}

export class Keyring {
	private current: { kid: string; key: KeyObject } | null = null;
	private published: PublicJwk[] = [];
	private loadedAt = 0;
	private loading: Promise<void> | null = null;

	constructor(private readonly sequelize: Sequelize, private readonly kek: Buffer) {}

	/** Makes the first key if there is none (one node wins), then loads. */
	async start(): Promise<void> {
		await inTransaction(this.sequelize, async t => {
			await this.sequelize.query(`SELECT pg_advisory_xact_lock(${LOCK})`, { transaction: t });
			if (await SigningKey.count({ where: { retiredAt: null }, transaction: t })) return;
			await SigningKey.create(await generateKey(this.kek), { transaction: t });
		});
		await this.reload();
	}

	async reload(): Promise<void> {
		if (!this.loading) {
			this.loading = (async () => {
				const rows = await SigningKey.findAll({
					where: { [Op.or]: [{ retiredAt: null }, { publishUntil: { [Op.gt]: new Date() } }] },
					order: [["createdAt", "DESC"]]
				});
				const current = rows.find(r => r.retiredAt === null);
				if (!current) throw new Error("no current signing key");
				if (this.current?.kid !== current.kid)
					this.current = { kid: current.kid, key: crypto.createPrivateKey(decryptPrivateKey(current.privateKeySealed, this.kek, current.kid)) };
				this.published = rows.map(r => r.publicJwk as unknown as PublicJwk);
				this.loadedAt = Date.now();
			})().finally(() => {
				this.loading = null;
			});
		}
		return this.loading;
	}

	/** The public keys the gateways verify with (current first). */
	async jwks(): Promise<{ keys: PublicJwk[] }> {
		if (Date.now() - this.loadedAt > RELOAD_MS) await this.reload();
		return { keys: this.published.map(k => ({ ...k })) };
	}

	async sign(claims: AccessClaims, jti: string): Promise<string> {
		if (!this.current || Date.now() - this.loadedAt > RELOAD_MS) await this.reload();
		const current = this.current!;
		return jwt.sign({ sub: claims.sub, sid: claims.sid, roles: claims.roles, jti }, current.key, {
			algorithm: "RS256",
			keyid: current.kid,
			expiresIn: ACCESS_TOKEN_TTL_S
		});
	}

	/** A new current key; the previous stays published until its tokens have expired. */
	async rotate(): Promise<{ kid: string; retired: string | null }> {
		const fresh = await generateKey(this.kek);
		const retired = await inTransaction(this.sequelize, async t => {
			await this.sequelize.query(`SELECT pg_advisory_xact_lock(${LOCK})`, { transaction: t });
			const now = new Date();
			const old = await SigningKey.findOne({ where: { retiredAt: null }, transaction: t });
			if (old) await old.update({ retiredAt: now, publishUntil: new Date(now.getTime() + ACCESS_TOKEN_TTL_S * 1000 + PUBLISH_MARGIN_MS) }, { transaction: t });
			await SigningKey.create(fresh, { transaction: t });
			// Keys unpublished for a day are of no use to anyone: drop their sealed private halves.
			await SigningKey.destroy({ where: { publishUntil: { [Op.lt]: new Date(now.getTime() - 24 * 3600_000) } }, transaction: t });
			return old?.kid ?? null;
		});
		await this.reload();
		return { kid: fresh.kid, retired };
	}

	get currentKid(): string | null {
		return this.current?.kid ?? null;
	}
}
