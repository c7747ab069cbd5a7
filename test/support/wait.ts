/** Polls until `probe` returns a truthy value or the time runs out. */
export async function waitFor<T>(probe: () => Promise<T>, what: string, timeoutMs = 10_000, everyMs = 50): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const v = await probe();
			if (v) return v as NonNullable<T>;
		} catch (err) {
			last = err;
		}
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
		await new Promise(r => setTimeout(r, everyMs));
	}
}

export const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
