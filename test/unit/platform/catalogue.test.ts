/**
 * The catalogue is what declares durable queues: an event missing from it, or
 * a consumer missing from its entry, is published to no queue while that
 * consumer is down (split mode) and is lost. So every event a service raises
 * must be catalogued, and every event notifications maps must name it.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { eventDefinition } from "../../../lib/events/catalogue";
import "../../../services/notifications/mappings";
import { mappedEventTypes } from "../../../services/notifications/mappings/registry";

const SERVICES = path.resolve(__dirname, "../../../services");

function sources(dir: string): string[] {
	return fs.readdirSync(dir, { withFileTypes: true }).flatMap(d => {
		const full = path.join(dir, d.name);
		if (d.isDirectory()) return sources(full);
		return d.name.endsWith(".ts") ? [full] : [];
	});
}

describe("event catalogue", () => {
	it("declares every event a service raises", () => {
		const raised = new Set<string>();
		for (const file of sources(SERVICES))
			for (const m of fs.readFileSync(file, "utf8").matchAll(/raiseEvent\(\s*\w+\s*,\s*"([a-z_]+\.[a-z_]+\.[a-z_]+)"/g)) raised.add(m[1]);
		expect(raised.size).to.be.greaterThan(20);
		const missing = [...raised].filter(type => !eventDefinition(type));
		expect(missing, "raised but not in lib/events/catalogue.ts").to.deep.equal([]);
	});

	it("names notifications as a consumer of every event it maps", () => {
		const types = mappedEventTypes();
		expect(types.length).to.be.greaterThan(10);
		const missing = types.filter(type => !eventDefinition(type)?.consumers.includes("notifications"));
		expect(missing, "mapped by notifications but not consumed by it in the catalogue").to.deep.equal([]);
	});
});
