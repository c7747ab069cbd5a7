import { expect } from "chai";
import { checkBallot, checkPoll } from "../../../services/social/rules/poll";

const now = new Date("2026-01-10T12:00:00Z");
const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000).toISOString();

describe("social rules: polls", () => {
	it("takes 2 to 10 distinct options of 1–100 characters, trimmed", () => {
		const ok = checkPoll({ options: [" Chai ", "Kahawa"], multiple: false, expiresAt: inMinutes(60) }, now);
		expect(ok).to.deep.include({ ok: true, options: ["Chai", "Kahawa"] });
		expect(checkPoll({ options: ["a"], multiple: false, expiresAt: inMinutes(60) }, now).ok).to.equal(false);
		expect(checkPoll({ options: Array.from({ length: 11 }, (_, i) => `o${i}`), multiple: false, expiresAt: inMinutes(60) }, now).ok).to.equal(false);
		expect(checkPoll({ options: ["Ndiyo", "ndiyo"], multiple: false, expiresAt: inMinutes(60) }, now).ok).to.equal(false);
		expect(checkPoll({ options: ["a", " "], multiple: false, expiresAt: inMinutes(60) }, now).ok).to.equal(false);
		expect(checkPoll({ options: ["a", "x".repeat(101)], multiple: false, expiresAt: inMinutes(60) }, now).ok).to.equal(false);
	});

	it("expires between five minutes and thirty days from now", () => {
		expect(checkPoll({ options: ["a", "b"], multiple: false, expiresAt: inMinutes(4) }, now).ok).to.equal(false);
		expect(checkPoll({ options: ["a", "b"], multiple: false, expiresAt: inMinutes(5) }, now).ok).to.equal(true);
		expect(checkPoll({ options: ["a", "b"], multiple: false, expiresAt: inMinutes(30 * 24 * 60 + 1) }, now).ok).to.equal(false);
		expect(checkPoll({ options: ["a", "b"], multiple: false, expiresAt: "tomorrow" }, now).ok).to.equal(false);
	});

	it("accepts one option in a single-choice poll, several distinct ones in a multiple-choice poll, before expiry", () => {
		const poll = { multiple: false, expiresAt: new Date(inMinutes(10)), optionIds: ["o1", "o2", "o3"] };
		expect(checkBallot(poll, ["O1"], now)).to.equal(null);
		expect(checkBallot(poll, ["o1", "o2"], now)).to.equal("INVALID_CHOICE");
		expect(checkBallot({ ...poll, multiple: true }, ["o1", "o2"], now)).to.equal(null);
		expect(checkBallot({ ...poll, multiple: true }, ["o1", "o1"], now)).to.equal("INVALID_CHOICE");
		expect(checkBallot(poll, ["o9"], now)).to.equal("INVALID_CHOICE");
		expect(checkBallot(poll, [], now)).to.equal("INVALID_CHOICE");
		expect(checkBallot({ ...poll, expiresAt: now }, ["o1"], now)).to.equal("POLL_EXPIRED");
	});
});
