import { expect } from "chai";
import { chooseChannels, deliverAt, effectivePrefs, isUrgent } from "../../../services/notifications/rules/channels";
import { addActor, describeGroup, groupOpen, type Group } from "../../../services/notifications/rules/grouping";
import { maskCode, otpMinutes, otpTemplateId } from "../../../services/notifications/rules/otp";
import { forAfricasTalking, forBeem, isE164, maskPhone } from "../../../services/notifications/rules/phone";
import { formatClock, inQuietHours, isValidTimeZone, parseClock, quietHoursEnd, type QuietHours } from "../../../services/notifications/rules/quiet-hours";
import { nextRetry } from "../../../services/notifications/rules/retry";
import { smsAllowance } from "../../../services/notifications/rules/sms-limit";

const EAT = "Africa/Dar_es_Salaam"; // UTC+3, no daylight saving
const night: QuietHours = { enabled: true, start: parseClock("22:00")!, end: parseClock("07:00")!, timezone: EAT };

describe("quiet hours", () => {
	it("parses and formats wall-clock times", () => {
		expect(parseClock("22:00")).to.equal(1320);
		expect(parseClock("07:05")).to.equal(425);
		expect(parseClock("24:00")).to.equal(null);
		expect(parseClock("7:00")).to.equal(null);
		expect(formatClock(425)).to.equal("07:05");
		expect(isValidTimeZone(EAT)).to.equal(true);
		expect(isValidTimeZone("Mars/Olympus")).to.equal(false);
	});

	it("knows a window that crosses midnight, in the user's zone", () => {
		expect(inQuietHours(new Date("2026-03-10T20:30:00Z"), night)).to.equal(true); // 23:30 EAT
		expect(inQuietHours(new Date("2026-03-10T02:00:00Z"), night)).to.equal(true); // 05:00 EAT
		expect(inQuietHours(new Date("2026-03-10T04:00:00Z"), night)).to.equal(false); // 07:00 EAT: over
		expect(inQuietHours(new Date("2026-03-10T12:00:00Z"), night)).to.equal(false); // 15:00 EAT
		expect(inQuietHours(new Date("2026-03-10T20:30:00Z"), { ...night, enabled: false })).to.equal(false);
	});

	it("ends the window at the next local end time", () => {
		expect(quietHoursEnd(new Date("2026-03-10T20:30:15Z"), night)?.toISOString()).to.equal("2026-03-11T04:00:00.000Z");
		expect(quietHoursEnd(new Date("2026-03-10T02:00:00Z"), night)?.toISOString()).to.equal("2026-03-10T04:00:00.000Z");
		expect(quietHoursEnd(new Date("2026-03-10T12:00:00Z"), night)).to.equal(null);
		const afternoon: QuietHours = { enabled: true, start: parseClock("13:00")!, end: parseClock("14:30")!, timezone: EAT };
		expect(quietHoursEnd(new Date("2026-03-10T10:10:00Z"), afternoon)?.toISOString()).to.equal("2026-03-10T11:30:00.000Z");
	});

	it("ends at the chosen wall-clock time across a daylight-saving change", () => {
		// Europe/London moves from GMT to BST at 01:00 UTC on 29 March 2026.
		const london: QuietHours = { enabled: true, start: parseClock("22:00")!, end: parseClock("07:00")!, timezone: "Europe/London" };
		expect(quietHoursEnd(new Date("2026-03-28T23:00:00Z"), london)?.toISOString()).to.equal("2026-03-29T06:00:00.000Z"); // 07:00 BST
	});
});

describe("channel choice", () => {
	const prefs = effectivePrefs(null);

	it("treats one-time codes, security, payments and tickets as urgent", () => {
		expect(["otp", "security", "payment", "ticket"].every(c => isUrgent(c as "otp"))).to.equal(true);
		expect(isUrgent("social")).to.equal(false);
	});

	it("sends security alerts in-app, by push, and by email, with SMS only for users without email", () => {
		expect(chooseChannels({ category: "security", prefs, contacts: { phone: true, email: true }, devices: 1 })).to.deep.equal(["inapp", "push", "email"]);
		expect(chooseChannels({ category: "security", prefs, contacts: { phone: true, email: false }, devices: 0 })).to.deep.equal(["inapp", "sms"]);
	});

	it("follows the user's preferences, but keeps security alerts in the in-app list", () => {
		const custom = effectivePrefs({ social: { push: false, sms: true }, security: { inapp: false, email: false } });
		expect(chooseChannels({ category: "social", prefs: custom, contacts: { phone: true, email: true }, devices: 2 })).to.deep.equal(["inapp", "sms"]);
		expect(chooseChannels({ category: "security", prefs: custom, contacts: { phone: true, email: true }, devices: 0 })).to.deep.equal(["inapp", "sms"]);
	});

	it("holds non-urgent push and SMS until quiet hours end, never in-app-like email or urgent ones", () => {
		const at = new Date("2026-03-10T20:30:00Z");
		const end = "2026-03-11T04:00:00.000Z";
		expect(deliverAt("push", "social", at, night).toISOString()).to.equal(end);
		expect(deliverAt("sms", "social", at, night).toISOString()).to.equal(end);
		expect(deliverAt("email", "social", at, night)).to.equal(at);
		expect(deliverAt("sms", "otp", at, night)).to.equal(at);
		expect(deliverAt("push", "security", at, night)).to.equal(at);
	});
});

describe("grouping", () => {
	const asha = { id: "a", name: "Asha" };
	const juma = { id: "j", name: "Juma" };

	it("names one, two, then counts the others", () => {
		let g: Group = addActor(null, asha).group;
		expect(describeGroup(g)).to.deep.equal({ variant: "one", params: { actor: "Asha" } });
		g = addActor(g, juma).group;
		expect(describeGroup(g)).to.deep.equal({ variant: "two", params: { actor: "Juma", other: "Asha" } });
		for (const id of ["b", "c", "d"]) g = addActor(g, { id, name: id.toUpperCase() }).group;
		expect(describeGroup(g)).to.deep.equal({ variant: "many", params: { actor: "D", others: "4" } });
	});

	it("does not count the same actor twice", () => {
		const first = addActor(null, asha).group;
		const again = addActor(first, asha);
		expect(again.added).to.equal(false);
		expect(again.group.count).to.equal(1);
	});

	it("keeps only a few names however many join", () => {
		let g: Group | null = null;
		for (let i = 0; i < 50; i++) g = addActor(g, { id: `u${i}`, name: `U${i}` }).group;
		expect(g!.count).to.equal(50);
		expect(g!.actors).to.have.length(5);
		expect(g!.actors[0].id).to.equal("u49");
	});

	it("closes a group after its window", () => {
		const created = new Date("2026-03-10T10:00:00Z");
		expect(groupOpen(created, new Date("2026-03-10T20:00:00Z"), 24 * 3600_000)).to.equal(true);
		expect(groupOpen(created, new Date("2026-03-11T10:00:00Z"), 24 * 3600_000)).to.equal(false);
	});
});

describe("phone numbers", () => {
	it("accepts E.164 only", () => {
		expect(isE164("+255712345678")).to.equal(true);
		expect(isE164("+254712345678")).to.equal(true);
		expect(isE164("255712345678")).to.equal(false);
		expect(isE164("0712345678")).to.equal(false);
		expect(isE164("+0712345678")).to.equal(false);
		expect(isE164("+2557123 45678")).to.equal(false);
		expect(isE164("+1234567890123456")).to.equal(false);
	});

	it("formats per provider and masks for listings", () => {
		expect(forAfricasTalking("+255712345678")).to.equal("+255712345678");
		expect(forBeem("+255712345678")).to.equal("255712345678");
		expect(maskPhone("+255712345678")).to.equal("+255******678");
	});
});

describe("per-destination SMS limit", () => {
	const now = new Date("2026-03-10T12:00:00Z");
	const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
	const limit = { limit: 3, windowMs: 3600_000 };

	it("allows up to the limit within the window", () => {
		expect(smsAllowance([minutesAgo(5), minutesAgo(10)], now, limit)).to.deep.equal({ allowed: true });
		expect(smsAllowance([minutesAgo(5), minutesAgo(10), minutesAgo(61), minutesAgo(90)], now, limit)).to.deep.equal({ allowed: true });
	});

	it("refuses beyond it and says when the next one fits", () => {
		const r = smsAllowance([minutesAgo(5), minutesAgo(50), minutesAgo(20)], now, limit);
		expect(r).to.deep.equal({ allowed: false, retryAt: new Date(minutesAgo(50).getTime() + 3600_000) });
	});

	it("can be turned off", () => {
		expect(smsAllowance(Array.from({ length: 100 }, () => minutesAgo(1)), now, { limit: 0, windowMs: 1 })).to.deep.equal({ allowed: true });
	});
});

describe("retry policy", () => {
	const policy = { baseMs: 1000, maxMs: 8000, maxAttempts: 5 };
	const mid = () => 0.5; // no jitter

	it("backs off exponentially up to a ceiling, then gives up", () => {
		expect([1, 2, 3, 4].map(a => nextRetry(a, policy, undefined, mid))).to.deep.equal([
			{ dead: false, delayMs: 1000 },
			{ dead: false, delayMs: 2000 },
			{ dead: false, delayMs: 4000 },
			{ dead: false, delayMs: 8000 }
		]);
		expect(nextRetry(5, policy, undefined, mid)).to.deep.equal({ dead: true });
	});

	it("jitters within ±20 % and honours a provider's Retry-After", () => {
		expect(nextRetry(1, policy, undefined, () => 0)).to.deep.equal({ dead: false, delayMs: 800 });
		expect(nextRetry(1, policy, undefined, () => 1)).to.deep.equal({ dead: false, delayMs: 1200 });
		expect(nextRetry(1, policy, 5000, mid)).to.deep.equal({ dead: false, delayMs: 5000 });
		expect(nextRetry(1, policy, 60_000, mid)).to.deep.equal({ dead: false, delayMs: 8000 });
	});
});

describe("one-time codes", () => {
	it("picks the text by purpose, counts minutes, and masks the code at rest", () => {
		expect(otpTemplateId("reset")).to.equal("otp.reset");
		expect(otpMinutes("2026-03-10T12:10:00Z", "2026-03-10T12:00:00Z")).to.equal(10);
		expect(otpMinutes("2026-03-10T12:00:10Z", "2026-03-10T12:00:00Z")).to.equal(1);
		expect(maskCode("482913")).to.equal("••••••");
	});
});
