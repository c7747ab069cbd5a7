import { expect } from "chai";
import { Errors, ServiceBroker, type ActionSchema, type Context } from "moleculer";
import { internalMiddlewares } from "../../../lib/broker/internal-middlewares";

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe("call timeout middleware (lean Timeout)", () => {
	let broker: ServiceBroker;
	const seenTimeouts: Record<string, unknown> = {};

	before(async () => {
		broker = new ServiceBroker({
			logger: false,
			requestTimeout: 200,
			metrics: { enabled: true, reporter: [] },
			internalMiddlewares: false,
			middlewares: internalMiddlewares() as never
		});
		broker.createService({
			name: "slow",
			actions: {
				sleep: {
					params: { ms: "number" },
					async handler(ctx: Context<{ ms: number }>) {
						seenTimeouts.sleep = ctx.options.timeout;
						await sleep(ctx.params.ms);
						return "done";
					}
				},
				// moleculer's typings leave out the action-level `timeout` the runtime honours
				own: {
					timeout: 50,
					async handler() {
						await sleep(150);
						return "late";
					}
				} as ActionSchema,
				fail: {
					async handler() {
						throw new Errors.MoleculerClientError("nope", 422, "NOPE");
					}
				},
				nested: {
					async handler(ctx: Context) {
						await sleep(120);
						return ctx.call("slow.sleep", { ms: 0 });
					}
				},
				unbounded: {
					timeout: 0,
					async handler() {
						await sleep(250);
						return "slow but allowed";
					}
				} as ActionSchema
			}
		});
		await broker.start();
	});

	after(() => broker.stop());

	const timeoutCount = () => {
		const metric = broker.metrics.getMetric("moleculer.request.timeout.total") as unknown as { values: Map<string, { value: number }> };
		return [...metric.values.values()].reduce((n, v) => n + v.value, 0);
	};

	it("answers a call that finishes in time, with the broker's timeout written to the call's options", async () => {
		expect(await broker.call("slow.sleep", { ms: 10 })).to.equal("done");
		expect(seenTimeouts.sleep).to.equal(200);
	});

	it("fails a call past the broker's timeout with RequestTimeoutError (504) and counts it", async () => {
		const before = timeoutCount();
		const err = await broker.call("slow.sleep", { ms: 400 }).then(
			() => null,
			(e: Error) => e
		);
		expect(err).to.be.instanceOf(Errors.RequestTimeoutError);
		expect(err).to.include({ code: 504, type: "REQUEST_TIMEOUT" });
		expect(timeoutCount()).to.equal(before + 1);
	});

	it("takes the action's own timeout, and a call option over both", async () => {
		const err = await broker.call("slow.own").then(
			() => null,
			(e: Error) => e
		);
		expect(err).to.be.instanceOf(Errors.RequestTimeoutError);
		expect(await broker.call("slow.own", {}, { timeout: 1000 })).to.equal("late");
	});

	it("passes a failure through untouched", async () => {
		const err = await broker.call("slow.fail").then(
			() => null,
			(e: Error) => e
		);
		expect(err).to.include({ code: 422, type: "NOPE" });
	});

	it("gives a nested call only what is left of its parent's budget", async () => {
		await broker.call("slow.nested", {}, { timeout: 300 });
		// 300 ms budget, about 120 ms spent before the nested call.
		expect(seenTimeouts.sleep).to.be.a("number").within(100, 190);
	});

	it("leaves a call with timeout 0 unbounded", async () => {
		expect(await broker.call("slow.unbounded")).to.equal("slow but allowed");
	});
});
