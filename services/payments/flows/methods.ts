/** Adding and removing saved payment methods; the first one, or one asked for, becomes the default. */
import { inTransaction } from "../../../lib/db/transaction";
import { conflict, notFound, unprocessable } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { MARKETS, normalisePhone, type ProviderName } from "../rules/providers";
import { dbOf, type PaymentsRuntime } from "../runtime";
import { listMethods, methodView, type MethodRow } from "../store/methods";
import { execute, select } from "../../../lib/db/sql";

/** Enough for every network a user has, small enough to keep the list one page. */
export const MAX_METHODS = 10;

export async function addMethod(rt: PaymentsRuntime, userId: string, p: { provider: ProviderName; phone: string; label?: string; isDefault?: boolean }) {
	const phone = normalisePhone(p.phone, p.provider);
	if (!phone) throw unprocessable(`The phone is not a ${MARKETS[p.provider].country} mobile number`, "PHONE_NOT_SUPPORTED", { provider: p.provider });
	return inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		await execute(db, "SELECT pg_advisory_xact_lock(hashtext(:key))", { key: `payments:methods:${userId}` });
		const existing = await listMethods(db, userId);
		if (existing.some(m => m.provider === p.provider && m.phone === phone)) throw conflict("This number is already saved for this provider", "METHOD_EXISTS");
		if (existing.length >= MAX_METHODS) throw unprocessable(`At most ${MAX_METHODS} payment methods`, "TOO_MANY_METHODS");
		const makeDefault = existing.length === 0 || p.isDefault === true;
		if (makeDefault) await execute(db, "UPDATE payments.payment_methods SET is_default = false WHERE user_id = :userId AND is_default", { userId });
		const [row] = await select<MethodRow>(
			db,
			`INSERT INTO payments.payment_methods (id, user_id, type, provider, phone, label, is_default) VALUES (:id, :userId, 'mobile_money', :provider, :phone, :label, :def) RETURNING *`,
			{ id: newId(), userId, provider: p.provider, phone, label: p.label ?? null, def: makeDefault }
		);
		return methodView(row);
	});
}

/** Soft delete (intents and payouts keep pointing at it); the newest remaining method inherits the default. */
export async function removeMethod(rt: PaymentsRuntime, userId: string, id: string): Promise<void> {
	await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		await execute(db, "SELECT pg_advisory_xact_lock(hashtext(:key))", { key: `payments:methods:${userId}` });
		const [gone] = await select<MethodRow>(
			db,
			"UPDATE payments.payment_methods SET deleted_at = now(), is_default = false WHERE id = :id AND user_id = :userId AND deleted_at IS NULL RETURNING *",
			{ id, userId }
		);
		if (!gone) throw notFound("Payment method not found", "METHOD_NOT_FOUND");
		const rest = await listMethods(db, userId);
		if (rest.length && !rest.some(m => m.is_default)) await execute(db, "UPDATE payments.payment_methods SET is_default = true WHERE id = :id", { id: rest[0].id });
	});
}
