import { expect } from "chai";
import { ConfigError } from "../../../lib/config/env";
import { DEV_KEY_ENCRYPTION_KEY, loadEventsConfig } from "../../../services/events/config";

describe("events config: ticket keys and check-in", () => {
	it("outside production an unset key-encryption key is the documented development key", () => {
		const cfg = loadEventsConfig({ nodeEnv: "development" }, {}).tickets;
		expect(cfg.keyEncryptionKey).to.deep.equal(DEV_KEY_ENCRYPTION_KEY);
		expect(cfg.devKeyEncryptionKey).to.equal(true);
		expect(cfg).to.include({ keyBits: 2048, opensBeforeStartS: 21_600, closesAfterEndS: 21_600, clockLeewayS: 120, syncMaxScans: 500 });
	});

	it("production refuses to start without one, and nobody starts with a malformed one", () => {
		expect(() => loadEventsConfig({ nodeEnv: "production" }, {})).to.throw(ConfigError, /EVENTS_KEY_ENCRYPTION_KEY/);
		expect(() => loadEventsConfig({ nodeEnv: "development" }, { EVENTS_KEY_ENCRYPTION_KEY: "short" })).to.throw(ConfigError, /EVENTS_KEY_ENCRYPTION_KEY/);
		const key = Buffer.alloc(32, 9);
		const cfg = loadEventsConfig({ nodeEnv: "production" }, { EVENTS_KEY_ENCRYPTION_KEY: key.toString("base64") }).tickets;
		expect(cfg.keyEncryptionKey).to.deep.equal(key);
		expect(cfg.devKeyEncryptionKey).to.equal(false);
	});

	it("key sizes are whole RSA sizes from 2048 to 4096 bits", () => {
		expect(loadEventsConfig({ nodeEnv: "test" }, { EVENTS_TICKET_KEY_BITS: "3072" }).tickets.keyBits).to.equal(3072);
		expect(() => loadEventsConfig({ nodeEnv: "test" }, { EVENTS_TICKET_KEY_BITS: "1024" })).to.throw(ConfigError);
		expect(() => loadEventsConfig({ nodeEnv: "test" }, { EVENTS_TICKET_KEY_BITS: "2500" })).to.throw(ConfigError);
	});
});
