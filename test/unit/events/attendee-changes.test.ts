import { expect } from "chai";
import { attendeeChanges } from "../../../services/events/rules/attendee-changes";
import type { EventFields } from "../../../services/events/rules/event-input";

const base: EventFields = {
	title: "Sauti za Busara",
	description: "Music",
	category: "music",
	startsAt: new Date("2027-02-12T17:00:00Z"),
	endsAt: new Date("2027-02-12T23:00:00Z"),
	timezone: "Africa/Dar_es_Salaam",
	venue: { name: "Ngome Kongwe", address: "Forodhani", city: "Zanzibar", lat: -6.162, lng: 39.188 },
	onlineUrl: null
};

describe("events: what ticket holders are told about an edit", () => {
	it("nothing for a new title, description or category", () => {
		expect(attendeeChanges(base, { ...base, title: "Busara 2027", description: "More music", category: "arts" })).to.deep.equal([]);
	});

	it("time for a new start, end or time zone", () => {
		expect(attendeeChanges(base, { ...base, startsAt: new Date("2027-02-12T18:00:00Z") })).to.deep.equal(["time"]);
		expect(attendeeChanges(base, { ...base, endsAt: new Date("2027-02-13T00:00:00Z") })).to.deep.equal(["time"]);
		expect(attendeeChanges(base, { ...base, timezone: "Africa/Nairobi" })).to.deep.equal(["time"]);
	});

	it("place for another venue (name, address, city or pin) or online link; both when both moved", () => {
		expect(attendeeChanges(base, { ...base, venue: { ...base.venue!, lat: -6.1 } })).to.deep.equal(["place"]);
		expect(attendeeChanges(base, { ...base, venue: null, onlineUrl: "https://live.example/busara" })).to.deep.equal(["place"]);
		expect(attendeeChanges(base, { ...base, startsAt: new Date("2027-03-01T17:00:00Z"), venue: { ...base.venue!, name: "Mambo Club" } })).to.deep.equal(["time", "place"]);
	});
});
