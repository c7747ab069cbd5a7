import { expect } from "chai";
import { Errors } from "moleculer";
import { afterFailure, isTransient, type RetryPolicy } from "../../../lib/events/retry-policy";

const policy: RetryPolicy = { maxRetries: 3, backoffMs: 100, maxBackoffMs: 1000, outageWindowMs: 60_000 };
const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);

describe("durable events: what follows a consumer's failure", () => {
	it("retries a failure caused by the event maxRetries times with growing backoff, then dead-letters it", () => {
		const decisions = [1, 2, 3, 4].map(attempt => afterFailure(policy, { attempt, firstFailedAt: T0, now: T0 + attempt * 100, transient: false }));
		expect(decisions).to.deep.equal([
			{ kind: "retry", delayMs: 100 },
			{ kind: "retry", delayMs: 200 },
			{ kind: "retry", delayMs: 400 },
			{ kind: "dead-letter" }
		]);
	});

	it("keeps retrying a transient failure through an outage window, backoff capped, and dead-letters after it", () => {
		expect(afterFailure(policy, { attempt: 12, firstFailedAt: T0, now: T0 + 59_000, transient: true })).to.deep.equal({ kind: "retry", delayMs: 1000 });
		expect(afterFailure(policy, { attempt: 12, firstFailedAt: T0, now: T0 + 60_000, transient: true })).to.deep.equal({ kind: "dead-letter" });
	});

	it("gives a transient failure at least the tries any failure gets, however old the first failure", () => {
		expect(afterFailure(policy, { attempt: 2, firstFailedAt: T0 - 3_600_000, now: T0, transient: true })).to.deep.equal({ kind: "retry", delayMs: 200 });
	});

	it("counts the platform being briefly away as transient, and the event's own failures not", () => {
		expect(isTransient(new Errors.ServiceNotAvailableError({ action: "users.profiles" }))).to.equal(true);
		expect(isTransient(new Errors.RequestTimeoutError({ action: "users.profiles", nodeID: "core-1" }))).to.equal(true);
		expect(isTransient(new Errors.BrokerDisconnectedError("the transporter is reconnecting"))).to.equal(true);
		expect(isTransient(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { name: "SequelizeConnectionRefusedError" }))).to.equal(true);
		expect(isTransient(Object.assign(new Error("Reached the max retries per request limit"), { name: "MaxRetriesPerRequestError" }))).to.equal(true);
		expect(isTransient(new Error("Connection is closed."))).to.equal(true);

		expect(isTransient(new Errors.ValidationError("bad payload"))).to.equal(false);
		expect(isTransient(new Errors.MoleculerClientError("not allowed", 403, "FORBIDDEN"))).to.equal(false);
		expect(isTransient(Object.assign(new Error("duplicate key"), { name: "SequelizeUniqueConstraintError" }))).to.equal(false);
		expect(isTransient(new TypeError("Cannot read properties of undefined"))).to.equal(false);
		expect(isTransient(null)).to.equal(false);
	});
});
