/** Pure event rules: input validation, lifecycle by the clock, duplicate detection, search text. */
import { expect } from "chai";
import { looksLikeDuplicate, distanceMetres, titleKey, titleSimilarity } from "../../../services/events/rules/duplicate";
import { isTimeZone, parseInstant, resolveEventFields, type EventFields } from "../../../services/events/rules/event-input";
import { parseNear, prefixQuery } from "../../../services/events/rules/event-search";
import { may, statusByTime } from "../../../services/events/rules/lifecycle";

const NOW = new Date("2026-12-01T10:00:00Z");
const venue = { name: "Hall", address: "Street 1", city: "Dar es Salaam", lat: -6.8, lng: 39.28 };
const base = { title: "Jazz Night", category: "music", startsAt: "2026-12-10T18:00:00+03:00", endsAt: "2026-12-10T23:00:00+03:00", timezone: "Africa/Dar_es_Salaam", venue };

describe("events rules: event input", () => {
	it("accepts a complete event and keeps the instants exact", () => {
		const f = resolveEventFields(base, null, NOW) as EventFields;
		expect(f.startsAt.toISOString()).to.equal("2026-12-10T15:00:00.000Z");
		expect(f.venue).to.deep.equal(venue);
		expect(f.onlineUrl).to.equal(null);
		expect(f.description).to.equal("");
	});

	it("names the first problem", () => {
		const problem = (input: Record<string, unknown>) => (resolveEventFields({ ...base, ...input }, null, NOW) as { field: string }).field;
		expect(problem({ title: "  a " })).to.equal("title");
		expect(problem({ category: "circus" })).to.equal("category");
		expect(problem({ timezone: "Nowhere/City" })).to.equal("timezone");
		expect(problem({ startsAt: "2026-12-10T18:00:00" })).to.equal("startsAt");
		expect(problem({ startsAt: "2026-11-30T18:00:00Z" })).to.equal("startsAt");
		expect(problem({ endsAt: "2026-12-10T17:00:00+03:00" })).to.equal("endsAt");
		expect(problem({ endsAt: "2027-02-10T17:00:00+03:00" })).to.equal("endsAt");
		expect(problem({ venue: { ...venue, lat: 91 } })).to.equal("venue.lat");
		expect(problem({ venue: { ...venue, city: "" } })).to.equal("venue.city");
		expect(problem({ venue: null })).to.equal("venue");
		expect(problem({ online: { url: "https://a.example" } })).to.equal("venue");
		expect(problem({ venue: null, online: { url: "http://a.example" } })).to.equal("online.url");
	});

	it("an edit starts from the current fields; moving to an online link drops the venue; a past start may stay when not changed", () => {
		const current = resolveEventFields(base, null, NOW) as EventFields;
		const later = new Date("2026-12-10T16:00:00Z");
		const edited = resolveEventFields({ title: "Jazz Night II", venue: null, online: { url: "https://live.example/j" } }, current, later) as EventFields;
		expect(edited.title).to.equal("Jazz Night II");
		expect(edited.venue).to.equal(null);
		expect(edited.onlineUrl).to.equal("https://live.example/j");
		expect(edited.startsAt).to.deep.equal(current.startsAt);
	});

	it("time zones and instants", () => {
		expect(isTimeZone("Africa/Nairobi")).to.equal(true);
		expect(isTimeZone("Moon/Base")).to.equal(false);
		expect(parseInstant("2026-12-10T18:00Z")?.toISOString()).to.equal("2026-12-10T18:00:00.000Z");
		expect(parseInstant("10/12/2026")).to.equal(null);
	});
});

describe("events rules: lifecycle", () => {
	const start = new Date("2026-12-10T15:00:00Z");
	const end = new Date("2026-12-10T20:00:00Z");
	it("the clock moves published → happening → completed; other states stay", () => {
		expect(statusByTime("published", start, end, new Date("2026-12-10T14:59:59Z"))).to.equal("published");
		expect(statusByTime("published", start, end, start)).to.equal("happening");
		expect(statusByTime("published", start, end, end)).to.equal("completed");
		expect(statusByTime("happening", start, end, new Date("2026-12-10T21:00:00Z"))).to.equal("completed");
		expect(statusByTime("draft", start, end, end)).to.equal("draft");
		expect(statusByTime("cancelled", start, end, end)).to.equal("cancelled");
	});
	it("what each state allows", () => {
		expect(may("publish", "draft")).to.equal(true);
		expect(may("publish", "published")).to.equal(false);
		expect(may("edit", "happening")).to.equal(false);
		expect(may("cancel", "happening")).to.equal(true);
		expect(may("cancel", "completed")).to.equal(false);
		expect(may("book", "draft")).to.equal(false);
		expect(may("book", "happening")).to.equal(true);
	});
});

describe("events rules: duplicates", () => {
	const a = { title: "Jazz by the Ocean 2026", startsAt: new Date("2026-12-10T15:00:00Z"), venue, onlineUrl: null };
	const opts = { windowMs: 24 * 3_600_000, distanceM: 500 };
	it("similar title, close in time and place is a duplicate", () => {
		expect(titleKey("Jazz  by the OCEAN!!")).to.equal("jazz by the ocean");
		expect(titleSimilarity("Jazz by the Ocean", "jazz by the ocean!")).to.equal(1);
		expect(titleSimilarity("Jazz by the Ocean", "Jaz by the Ocean")).to.be.greaterThan(0.8);
		expect(looksLikeDuplicate(a, { ...a, title: "Jazz by the ocean 2026!", venue: { ...venue, lat: -6.8003 } }, opts)).to.equal(true);
	});
	it("another title, another day or another place is not", () => {
		expect(looksLikeDuplicate(a, { ...a, title: "Rumba Festival" }, opts)).to.equal(false);
		expect(looksLikeDuplicate(a, { ...a, startsAt: new Date("2026-12-12T15:00:00Z") }, opts)).to.equal(false);
		expect(looksLikeDuplicate(a, { ...a, venue: { ...venue, lat: -3.37, lng: 36.69 } }, opts)).to.equal(false);
		expect(looksLikeDuplicate(a, { ...a, venue: null, onlineUrl: "https://x.example" }, opts)).to.equal(false);
		expect(looksLikeDuplicate({ ...a, venue: null, onlineUrl: "https://x.example/" }, { ...a, venue: null, onlineUrl: "https://x.example/" }, opts)).to.equal(true);
	});
	it("distance in metres", () => {
		expect(Math.round(distanceMetres({ lat: 0, lng: 0 }, { lat: 0, lng: 1 }) / 1000)).to.equal(111);
	});
});

describe("events rules: search", () => {
	it("builds a prefix query from words and drops punctuation", () => {
		expect(prefixQuery("Jazz  nig!")).to.equal("jazz:* & nig:*");
		expect(prefixQuery("!!")).to.equal(null);
		expect(prefixQuery("a b c d e f g h i j")?.split("&")).to.have.length(8);
	});
	it("parses near=lat,lng", () => {
		expect(parseNear("-6.8, 39.28")).to.deep.equal({ lat: -6.8, lng: 39.28 });
		expect(parseNear("100,0")).to.equal(null);
		expect(parseNear("x,y")).to.equal(null);
	});
});
