/**
 * lib/db/prepared.ts, which the send path runs on: named statements on the
 * connections of Sequelize's pool, or on a transaction's, with Sequelize's
 * errors. Against the stack's core database.
 */
import { expect } from "chai";
import { QueryTypes } from "sequelize";
import { acquireSequelize, releaseSequelize } from "../../../lib/db/connections";
import { prepared, runPrepared } from "../../../lib/db/prepared";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { CORE_URL } from "../../support/environment";
import { getStack } from "../../support/stack";

const LOOKUP = prepared("test_prepared_lookup", "SELECT $1::uuid AS id, $2::int + 1 AS next, ARRAY[$1::uuid] AS ids, now() AS at");
const TXID = prepared("test_prepared_txid", "SELECT txid_current()::text AS txid");
const FAILING = prepared("test_prepared_failing", "SELECT messages.abort_send($1::text)");

describe("lib/db prepared statements", function () {
	this.timeout(60_000);
	const sequelize = acquireSequelize(CORE_URL);

	before(async () => {
		// The stack has migrated the core database (messages.abort_send).
		await getStack();
	});
	after(() => releaseSequelize(CORE_URL));

	it("answers rows parsed as select does, on every pooled connection in parallel", async () => {
		const ids = Array.from({ length: 30 }, () => newId());
		const rows = await Promise.all(ids.map((id, i) => runPrepared<{ id: string; next: number; ids: string[]; at: Date }>({ sequelize }, LOOKUP, [id, i])));
		rows.forEach(([row], i) => {
			expect(row).to.include({ id: ids[i], next: i + 1 });
			expect(row.ids).to.deep.equal([ids[i]]);
			expect(row.at).to.be.instanceOf(Date);
		});
	});

	it("raises Sequelize's error (with .parent: code, hint), and the connection stays usable", async () => {
		const err = (await runPrepared({ sequelize }, FAILING, ["not_member"]).then(
			() => null,
			e => e
		)) as { name: string; parent?: { code?: string; hint?: string } } | null;
		expect(err).to.have.property("name", "SequelizeDatabaseError");
		expect([err?.parent?.code, err?.parent?.hint]).to.deep.equal(["P0001", "not_member"]);
		const [row] = await runPrepared<{ next: number }>({ sequelize }, LOOKUP, [newId(), 1]);
		expect(row.next).to.equal(2);
	});

	it("inside a transaction, runs on that transaction's connection", async () => {
		await inTransaction(sequelize, async t => {
			const [row] = await runPrepared<{ txid: string }>({ sequelize, t }, TXID, []);
			const [again] = await sequelize.query<{ txid: string }>("SELECT txid_current()::text AS txid", { transaction: t, type: QueryTypes.SELECT });
			expect(row.txid).to.equal(again.txid);
		});
	});

	it("refuses one name declared with two texts", () => {
		expect(() => prepared("test_prepared_lookup", "SELECT 1")).to.throw(/declared twice/);
	});
});
