import { expect } from "chai";
import { ConfigError } from "../../../lib/config/env";
import { loadPaymentsConfig } from "../../../services/payments/config";

const platform = (nodeEnv: "development" | "test" | "production") => ({ nodeEnv, simulatorsEnabled: nodeEnv !== "production", publicUrl: "https://api.nexgate.africa" });

describe("payments config", () => {
	it("keeps intents at most 2 minutes outside production, as the simulators assume", () => {
		expect(loadPaymentsConfig({}, platform("development")).intentLifetimeS).to.equal(120);
		expect(() => loadPaymentsConfig({ PAYMENTS_INTENT_LIFETIME_SECONDS: "600" }, platform("test"))).to.throw(ConfigError, /PAYMENTS_INTENT_LIFETIME_SECONDS/);
	});

	it("requires Daraja credentials in production and reads the uncertain facts", () => {
		expect(() => loadPaymentsConfig({}, platform("production"))).to.throw(ConfigError, /MPESA_CONSUMER_KEY/);
		const cfg = loadPaymentsConfig(
			{ MPESA_CONSUMER_KEY: "k", MPESA_CONSUMER_SECRET: "s", MPESA_PASSKEY: "p", MPESA_TIMESTAMP_OFFSET_MINUTES: "0", SELCOM_TIMESTAMP_STYLE: "compact", TEMBO_PAYOUT_DATE_FORMAT: "legacy" },
			platform("production")
		);
		expect(cfg.intentLifetimeS).to.equal(300);
		expect(cfg.daraja.timestampOffsetMinutes).to.equal(0);
		expect(cfg.selcom.timestampStyle).to.equal("compact");
		expect(cfg.tembo.payoutDateFormat).to.equal("legacy");
		expect(() => loadPaymentsConfig({ PAYMENTS_COMMISSION_BPS: "20000" }, platform("test"))).to.throw(ConfigError, /PAYMENTS_COMMISSION_BPS/);
	});
});
