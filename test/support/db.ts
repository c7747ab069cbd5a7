/** Direct reads of the run's databases, for assertions about persisted state. */
import { Client } from "pg";
import { CORE_URL } from "./environment";

let client: Client | null = null;

export async function coreQuery<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
	if (!client) {
		client = new Client({ connectionString: CORE_URL });
		await client.connect();
	}
	return (await client.query(sql, params)).rows as R[];
}

export async function closeTestDb(): Promise<void> {
	await client?.end();
	client = null;
}
