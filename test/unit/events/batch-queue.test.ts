/** The per-event batching queue behind group commit of sales (lib/batch-queue.ts). */
import { expect } from "chai";
import { BatchQueue } from "../../../lib/batch-queue";

/** A runner whose batches finish when the test says so, recording what each batch held. */
function gatedRunner(answer: (req: number) => number | Error = req => req * 10) {
	const batches: number[][] = [];
	const gates: Array<() => void> = [];
	const run = async (_key: string, reqs: number[]) => {
		batches.push(reqs);
		await new Promise<void>(resolve => gates.push(resolve));
		return reqs.map(answer);
	};
	const open = async () => {
		while (gates.length === 0) await new Promise(r => setImmediate(r));
		(gates.shift() as () => void)();
	};
	return { batches, run, open };
}

describe("events: batch queue (group commit)", () => {
	it("a lone request runs at once, alone; what queues meanwhile is the next batch", async () => {
		const { batches, run, open } = gatedRunner();
		const q = new BatchQueue<number, number>(run, 100);
		const first = q.submit("e1", 1);
		expect(batches).to.deep.equal([[1]]);
		const rest = [2, 3, 4].map(n => q.submit("e1", n));
		await open();
		expect(await first).to.equal(10);
		await open();
		expect(await Promise.all(rest)).to.deep.equal([20, 30, 40]);
		expect(batches).to.deep.equal([[1], [2, 3, 4]]);
	});

	it("keys run side by side, and a batch holds at most maxBatch requests", async () => {
		const { batches, run, open } = gatedRunner();
		const q = new BatchQueue<number, number>(run, 2);
		const all = [q.submit("a", 1), q.submit("b", 2), q.submit("a", 3), q.submit("a", 4), q.submit("a", 5)];
		expect(batches).to.deep.equal([[1], [2]]);
		for (let i = 0; i < 4; i++) await open();
		expect(await Promise.all(all)).to.deep.equal([10, 20, 30, 40, 50]);
		expect(batches).to.deep.equal([[1], [2], [3, 4], [5]]);
	});

	it("one request's refusal answers that request only", async () => {
		const { run, open } = gatedRunner(req => (req === 2 ? new Error("sold out") : req));
		const q = new BatchQueue<number, number>(run, 100);
		const first = q.submit("e", 0);
		const batch = [1, 2, 3].map(n => q.submit("e", n).catch((e: Error) => e.message));
		await open();
		await first;
		await open();
		expect(await Promise.all(batch)).to.deep.equal([1, "sold out", 3]);
	});

	it("a batch that fails as a whole is retried one request at a time", async () => {
		const seen: number[][] = [];
		const q = new BatchQueue<number, number>(async (_key, reqs) => {
			seen.push(reqs);
			if (reqs.length > 1) throw new Error("batch broke");
			if (reqs[0] === 3) throw new Error("this one is broken");
			return reqs;
		}, 100);
		const first = q.submit("e", 0);
		const batch = [1, 2, 3].map(n => q.submit("e", n).catch((e: Error) => e.message));
		await first;
		expect(await Promise.all(batch)).to.deep.equal([1, 2, "this one is broken"]);
		expect(seen).to.deep.equal([[0], [1, 2, 3], [1], [2], [3]]);
	});
});
