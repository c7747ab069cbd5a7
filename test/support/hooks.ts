/** Mocha root hooks: the shared stack is stopped and its databases dropped after the run. */
import { closeTestDb } from "./db";
import { stopStack } from "./stack";

export const mochaHooks = {
	async afterAll(this: { timeout(ms: number): void }) {
		this.timeout(60_000);
		await closeTestDb();
		await stopStack();
	}
};
