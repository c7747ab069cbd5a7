/**
 * `npm run create-admin -- --email ops@nexgate.africa --password '…' [--phone +2557…] [--name "Ops"]`
 *
 * Creates an administrator account (active, email treated as verified), or
 * gives an existing account with that email the admin role and the new
 * password. There is no default password: one must be given, and it must pass
 * the same policy as everyone's.
 *
 * Database: DATABASE_URL when set; otherwise the embedded PostgreSQL of a
 * running `npm start` with the same DATA_DIR and PORT (its password is in
 * DATA_DIR/postgres.json, its port EMBEDDED_PG_PORT or 20000 + PORT mod 10000).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "../lib/config";
import { acquireSequelize, releaseSequelize } from "../lib/db/connections";
import { inTransaction } from "../lib/db/transaction";
import { makeEnvelope } from "../lib/events/envelope";
import { writeToOutbox } from "../lib/events/outbox";
import { newId } from "../lib/ids";
import { pickUsername } from "../services/auth/flows/register";
import { Account, accountModel } from "../services/auth/models";
import { normalizeEmail } from "../services/auth/rules/identifier";
import { hashPassword } from "../services/auth/rules/password-hash";
import { checkPassword } from "../services/auth/rules/password-policy";
import { normalizePhone } from "../services/auth/rules/phone";

class UsageError extends Error {}

function databaseUrl(): string {
	const cfg = loadConfig();
	if (cfg.databaseUrl) return cfg.databaseUrl;
	const stateFile = path.join(cfg.dataDir, "postgres.json");
	if (!fs.existsSync(stateFile))
		throw new UsageError(`DATABASE_URL is not set and ${stateFile} does not exist: start the platform (npm start) or set DATABASE_URL`);
	const { password } = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { password: string };
	return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${cfg.embeddedPgPort}/nexgate`;
}

async function main() {
	const { values } = parseArgs({
		options: { email: { type: "string" }, password: { type: "string" }, phone: { type: "string" }, name: { type: "string" } },
		strict: true
	});
	const email = values.email ? normalizeEmail(values.email) : null;
	if (!email) throw new UsageError("--email is required and must be a valid address");
	if (!values.password) throw new UsageError("--password is required (there is no default password)");
	const phone = values.phone ? normalizePhone(values.phone) : null;
	if (phone && !phone.ok) throw new UsageError(`--phone is not a supported mobile number (${phone.reason})`);
	const displayName = values.name?.trim() || "Administrator";
	const problems = checkPassword(values.password, { email, displayName, phone: phone?.ok ? phone.e164 : null });
	if (problems.length) throw new UsageError(`the password is too weak: ${problems.join(", ")}`);

	const url = databaseUrl();
	const sequelize = acquireSequelize(url, { max: 2 });
	try {
		await sequelize.authenticate().catch(err => {
			throw new UsageError(`cannot reach the database (${(err as Error).message}): is the platform running, or DATABASE_URL right?`);
		});
		const [schema] = await sequelize.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'auth' AND table_name = 'accounts'`);
		if (!schema.length) throw new UsageError("the auth schema is missing: run npm run migrate (or npm start once) first");
		accountModel.init(sequelize, "auth");
		const passwordHash = await hashPassword(values.password);
		const result = await inTransaction(sequelize, async t => {
			const existing = await Account.findOne({ where: { email }, transaction: t, lock: t.LOCK.UPDATE });
			if (existing) {
				if (existing.status === "deleted") throw new UsageError("that account was deleted");
				const roles = existing.roles.includes("admin") ? existing.roles : [...existing.roles, "admin"];
				await existing.update({ roles, passwordHash, passwordChangedAt: new Date(), emailVerifiedAt: existing.emailVerifiedAt ?? new Date(), status: "active" }, { transaction: t });
				return { id: existing.id, created: false };
			}
			const base = email.split("@")[0];
			const account = await Account.create(
				{
					id: newId(),
					username: await pickUsername(t, undefined, values.name?.trim() || base),
					displayName,
					email,
					emailVerifiedAt: new Date(),
					phone: phone?.ok ? phone.e164 : null,
					phoneVerifiedAt: phone?.ok ? new Date() : null,
					passwordHash,
					passwordChangedAt: new Date(),
					language: "en",
					roles: ["user", "admin"],
					status: "active"
				},
				{ transaction: t }
			);
			// The other domains learn about the account like any other (the auth relay publishes these).
			const registered = makeEnvelope(
				"auth.user.registered",
				{ userId: account.id, username: account.username, displayName, phone: account.phone, email, language: "en" },
				account.id
			);
			await writeToOutbox(sequelize, "auth", t, registered);
			await writeToOutbox(sequelize, "auth", t, makeEnvelope("auth.user.verified", { userId: account.id, channel: "email" }, account.id));
			return { id: account.id, created: true };
		});
		process.stdout.write(`${result.created ? "Created" : "Promoted"} administrator ${email} (${result.id})\n`);
	} finally {
		await releaseSequelize(url);
	}
}

main().catch(err => {
	if (err instanceof UsageError || err instanceof ConfigError) {
		process.stderr.write(`create-admin: ${err.message}\n`);
		process.exit(err instanceof ConfigError ? 78 : 64);
	}
	process.stderr.write(`${(err as Error).stack}\n`);
	process.exit(1);
});
