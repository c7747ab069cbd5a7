import { expect } from "chai";
import crypto from "node:crypto";
import { loadConfig, type PlatformConfig } from "../../../lib/config";
import { loadNotificationsConfig } from "../../../services/notifications/config";
import { applyPatch, preferencesView } from "../../../services/notifications/preferences";
import { open, seal } from "../../../services/notifications/sealing";
import type { StoredPreferences } from "../../../services/notifications/store/preferences";
import { AcceptedCredentials } from "../../../services/api/accepted-credentials";
import { gatewayRoutes } from "../../../services/api/routes";
import { simulatorServiceFiles } from "../../../simulators/placement";

const platform = (over: Partial<PlatformConfig> = {}): PlatformConfig => ({ ...loadConfig({ NODE_ENV: "test" }), ...over });

describe("notifications configuration", () => {
	it("defaults to Africa's Talking, the simulators outside production, and fast retries in test", () => {
		const cfg = loadNotificationsConfig({}, platform());
		expect(cfg.smsProviders).to.deep.equal(["africastalking"]);
		expect(cfg.useSimulators).to.equal(true);
		expect(cfg.retry).to.deep.equal({ baseMs: 200, maxMs: 2000, maxAttempts: 4 });
		expect(cfg.defaultTimezone).to.equal("Africa/Dar_es_Salaam");
		expect(cfg.encryptionKey).to.have.length(32);
		expect(loadNotificationsConfig({}, platform({ nodeEnv: "development" })).retry).to.deep.equal({ baseMs: 5000, maxMs: 600_000, maxAttempts: 8 });
	});

	it("derives the same key on every node of a namespace outside production", () => {
		const a = loadNotificationsConfig({}, platform({ namespace: "ns1" }));
		const b = loadNotificationsConfig({}, platform({ namespace: "ns1" }));
		expect(a.encryptionKey.equals(b.encryptionKey)).to.equal(true);
		expect(a.encryptionKeyIsDerived).to.equal(true);
	});

	it("requires an encryption key in production and refuses a malformed one", () => {
		expect(() => loadNotificationsConfig({}, platform({ nodeEnv: "production", simulatorsEnabled: false }))).to.throw(/NOTIFICATIONS_ENCRYPTION_KEY is required/);
		expect(() => loadNotificationsConfig({ NOTIFICATIONS_ENCRYPTION_KEY: "c2hvcnQ=" }, platform())).to.throw(/32 bytes/);
		const key = crypto.randomBytes(32).toString("base64");
		const cfg = loadNotificationsConfig({ NOTIFICATIONS_ENCRYPTION_KEY: key }, platform({ nodeEnv: "production", simulatorsEnabled: false }));
		expect(cfg.encryptionKey.toString("base64")).to.equal(key);
		expect(cfg.useSimulators).to.equal(false);
	});

	it("refuses unknown SMS providers, bad URLs, zones and service accounts", () => {
		expect(() => loadNotificationsConfig({ SMS_PROVIDERS: "africastalking,twilio" }, platform())).to.throw(/SMS_PROVIDERS names unknown provider "twilio"/);
		expect(() => loadNotificationsConfig({ AT_API_URL: "ftp://x" }, platform())).to.throw(/AT_API_URL/);
		expect(() => loadNotificationsConfig({ SMTP_URL: "http://mail" }, platform())).to.throw(/SMTP_URL/);
		expect(() => loadNotificationsConfig({ NOTIFICATIONS_DEFAULT_TIMEZONE: "Africa/Atlantis" }, platform())).to.throw(/IANA/);
		expect(() => loadNotificationsConfig({ FCM_SERVICE_ACCOUNT: '{"project_id":"p"}' }, platform())).to.throw(/FCM_SERVICE_ACCOUNT/);
	});

	it("reads a service account given inline", () => {
		const sa = { project_id: "nexgate-prod", client_email: "n@nexgate-prod.iam.gserviceaccount.com", private_key: "-----BEGIN PRIVATE KEY-----\n…", token_uri: "https://oauth2.googleapis.com/token" };
		expect(loadNotificationsConfig({ FCM_SERVICE_ACCOUNT: JSON.stringify(sa) }, platform()).fcm.serviceAccount).to.deep.equal({
			projectId: "nexgate-prod",
			clientEmail: sa.client_email,
			privateKey: sa.private_key,
			tokenUri: sa.token_uri
		});
	});
});

describe("sealed message bodies", () => {
	const key = crypto.randomBytes(32);

	it("round-trips, and never shows the plaintext", () => {
		const sealed = seal(key, '{"text":"code 482913"}');
		expect(sealed).to.match(/^v1\./).and.not.contain("482913");
		expect(open(key, sealed)).to.equal('{"text":"code 482913"}');
		expect(seal(key, "same")).to.not.equal(seal(key, "same"));
	});

	it("refuses another key or a tampered value", () => {
		const sealed = seal(key, "secret");
		expect(() => open(crypto.randomBytes(32), sealed)).to.throw();
		const tampered = `${sealed.slice(0, -2)}${sealed.endsWith("A") ? "B" : "A"}${sealed.slice(-1)}`;
		expect(() => open(key, tampered)).to.throw();
	});
});

describe("preferences resource", () => {
	const stored: StoredPreferences = { overrides: {}, quietHours: { enabled: false, start: 1320, end: 420, timezone: "Africa/Dar_es_Salaam" } };

	it("shows effective values and wall-clock times", () => {
		const view = preferencesView(stored);
		expect(view.channels.security).to.deep.equal({ inapp: true, push: true, sms: true, email: true });
		expect(view.quietHours).to.deep.equal({ enabled: false, start: "22:00", end: "07:00", timezone: "Africa/Dar_es_Salaam" });
	});

	it("stores only overrides and merges patches", () => {
		const once = applyPatch(stored, { channels: { social: { sms: true } }, quietHours: { enabled: true, start: "23:15" } });
		expect(once.overrides).to.deep.equal({ social: { sms: true } });
		const twice = applyPatch(once, { channels: { social: { push: false } }, quietHours: { timezone: "Africa/Kampala" } });
		expect(twice.overrides).to.deep.equal({ social: { sms: true, push: false } });
		expect(twice.quietHours).to.deep.equal({ enabled: true, start: 1395, end: 420, timezone: "Africa/Kampala" });
		expect(stored.overrides).to.deep.equal({});
	});

	it("names the field it refuses", () => {
		expect(() => applyPatch(stored, { quietHours: { timezone: "Nowhere/Else" } })).to.throw().with.property("data").that.deep.equals([
			{ field: "quietHours.timezone", type: "invalid", message: "must be an IANA time zone such as Africa/Dar_es_Salaam" }
		]);
		expect(() => applyPatch(stored, { quietHours: { start: "24:00" } })).to.throw().with.property("code", 400);
	});
});

describe("simulators never in production", () => {
	it("are loaded beside the gateway, or in one process, only when enabled", () => {
		const on = { simulatorsEnabled: true, transporter: null };
		expect(simulatorServiceFiles(on, null)).to.have.length(1);
		expect(simulatorServiceFiles({ ...on, transporter: "amqp://x" }, ["api", "auth"])).to.have.length(1);
		expect(simulatorServiceFiles({ ...on, transporter: "amqp://x" }, ["notifications"])).to.deep.equal([]);
		expect(simulatorServiceFiles({ simulatorsEnabled: false, transporter: null }, null)).to.deep.equal([]);
	});

	it("have no /sim route when disabled, and cannot be enabled in production", () => {
		const Store = class {} as never;
		const paths = (simulatorsEnabled: boolean) =>
			gatewayRoutes({ bodyLimitBytes: 1024, rateLimitScale: 1, simulatorsEnabled }, Store, { knownUser: () => undefined, credentials: new AcceptedCredentials() }).map(r => r.path);
		expect(paths(true)).to.include("/sim");
		expect(paths(false)).to.not.include("/sim");
		expect(loadConfig({ NODE_ENV: "production", DATABASE_URL: "postgres://x/a", NOTIF_DATABASE_URL: "postgres://x/b", S3_ENDPOINT: "http://s3", S3_ACCESS_KEY: "a", S3_SECRET_KEY: "b" }).simulatorsEnabled).to.equal(false);
		expect(() =>
			loadConfig({ NODE_ENV: "production", SIMULATORS: "true", DATABASE_URL: "postgres://x/a", NOTIF_DATABASE_URL: "postgres://x/b", S3_ENDPOINT: "http://s3", S3_ACCESS_KEY: "a", S3_SECRET_KEY: "b" })
		).to.throw(/SIMULATORS cannot be enabled/);
	});
});
