/** Saved mobile-money numbers (API.md payments/methods): masked in every response, one default per user. */
import { maskPhone, type ProviderName } from "../rules/providers";
import { select, selectOne, type Db } from "../../../lib/db/sql";

export interface MethodRow {
	id: string;
	user_id: string;
	type: "mobile_money";
	provider: ProviderName;
	phone: string;
	label: string | null;
	is_default: boolean;
	created_at: Date;
	deleted_at: Date | null;
}

export function methodView(m: MethodRow) {
	return { id: m.id, type: m.type, provider: m.provider, phone: maskPhone(m.phone), label: m.label, isDefault: m.is_default, createdAt: new Date(m.created_at).toISOString() };
}

export function findMethod(db: Db, id: string): Promise<MethodRow | null> {
	return selectOne<MethodRow>(db, "SELECT * FROM payments.payment_methods WHERE id = :id AND deleted_at IS NULL", { id });
}

export function listMethods(db: Db, userId: string): Promise<MethodRow[]> {
	return select<MethodRow>(db, "SELECT * FROM payments.payment_methods WHERE user_id = :userId AND deleted_at IS NULL ORDER BY is_default DESC, created_at DESC, id DESC", { userId });
}
