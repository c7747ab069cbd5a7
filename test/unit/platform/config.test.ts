import { expect } from "chai";
import { ConfigError, loadConfig, parseSize, redactConfig } from "../../../lib/config";

const DB = { DATABASE_URL: "postgres://u:secret@db:5432/core", NOTIF_DATABASE_URL: "postgres://u:secret@db:5432/notif" };

function configError(env: Record<string, string>): ConfigError {
	try {
		loadConfig(env);
	} catch (err) {
		expect(err).to.be.instanceOf(ConfigError);
		return err as ConfigError;
	}
	throw new Error("expected a ConfigError");
}

describe("configuration", () => {
	it("needs nothing for the embedded defaults", () => {
		const cfg = loadConfig({});
		expect(cfg.transporter).to.equal(null);
		expect(cfg.cacher).to.equal("memory");
		expect(cfg.databaseUrl).to.equal(null);
		expect(cfg.services).to.equal(null);
		expect(cfg.port).to.equal(3000);
		expect(cfg.healthPort).to.equal(3001);
		expect(cfg.migrateOnStart).to.equal(true);
		expect(cfg.simulatorsEnabled).to.equal(true);
		expect(cfg.logFormat).to.equal("pretty");
	});

	it("derives embedded ports from PORT so two instances can run side by side", () => {
		const a = loadConfig({ PORT: "3000" });
		const b = loadConfig({ PORT: "3100" });
		expect(a.embeddedPgPort).to.not.equal(b.embeddedPgPort);
		expect(a.embeddedS3Port).to.not.equal(b.embeddedS3Port);
		expect(new Set([a.port, a.healthPort, a.embeddedPgPort, a.embeddedS3Port]).size).to.equal(4);
	});

	it("treats TRANSPORTER=null and none as no transporter (moleculer would read them as names)", () => {
		expect(loadConfig({ TRANSPORTER: "null" }).transporter).to.equal(null);
		expect(loadConfig({ TRANSPORTER: "none" }).transporter).to.equal(null);
	});

	it("runs split nodes over AMQP with the Redis cacher", () => {
		const cfg = loadConfig({ ...DB, TRANSPORTER: "amqp://rabbit:5672", REDIS_URL: "redis://cache:6379", SERVICES: "api, auth" });
		expect(cfg.transporter).to.equal("amqp://rabbit:5672");
		expect(cfg.cacher).to.equal("redis");
		expect(cfg.services).to.deep.equal(["api", "auth"]);
		expect(cfg.migrateOnStart).to.equal(false);
	});

	it("names the variable in every refusal", () => {
		expect(configError({ PORT: "http" }).variable).to.equal("PORT");
		expect(configError({ PORT: "70000" }).message).to.contain("between 0 and 65535");
		expect(configError({ TRANSPORTER: "nats://x:4222" }).variable).to.equal("TRANSPORTER");
		expect(configError({ ...DB, TRANSPORTER: "amqp://x" }).variable).to.equal("REDIS_URL");
		expect(configError({ TRANSPORTER: "amqp://x", REDIS_URL: "redis://r" }).variable).to.equal("DATABASE_URL");
		expect(configError({ DATABASE_URL: DB.DATABASE_URL }).variable).to.equal("NOTIF_DATABASE_URL");
		expect(configError({ SERVICES: "api" }).variable).to.equal("SERVICES");
		expect(configError({ CACHER: "redis" }).variable).to.equal("CACHER");
		expect(configError({ LOG_LEVEL: "loud" }).variable).to.equal("LOG_LEVEL");
		expect(configError({ RATE_LIMIT_SCALE: "zero" }).variable).to.equal("RATE_LIMIT_SCALE");
		expect(configError({ BODY_LIMIT: "big" }).variable).to.equal("BODY_LIMIT");
		expect(configError({ S3_ENDPOINT: "http://minio:9000" }).variable).to.equal("S3_ACCESS_KEY");
		expect(configError({ TRACING_EXPORTER: "zipkin" }).variable).to.equal("ZIPKIN_URL");
		expect(configError({ NAMESPACE: "bad space" }).variable).to.equal("NAMESPACE");
		expect(configError({ DATABASE_URL: "mysql://x/y", NOTIF_DATABASE_URL: "mysql://x/z" }).variable).to.equal("DATABASE_URL");
	});

	it("requires real infrastructure and no simulators in production", () => {
		expect(configError({ NODE_ENV: "production" }).variable).to.equal("DATABASE_URL");
		expect(configError({ NODE_ENV: "production", ...DB }).variable).to.equal("S3_ENDPOINT");
		const prod = { NODE_ENV: "production", ...DB, S3_ENDPOINT: "http://minio:9000", S3_ACCESS_KEY: "k", S3_SECRET_KEY: "s" };
		expect(configError({ ...prod, SIMULATORS: "true" }).variable).to.equal("SIMULATORS");
		const cfg = loadConfig(prod);
		expect(cfg.simulatorsEnabled).to.equal(false);
		expect(cfg.logFormat).to.equal("json");
		expect(cfg.corsOrigins).to.deep.equal([]);
	});

	it("parses sizes", () => {
		expect(parseSize("X", "1mb")).to.equal(1024 * 1024);
		expect(parseSize("X", "512kb")).to.equal(512 * 1024);
		expect(parseSize("X", "100")).to.equal(100);
	});

	it("masks secrets when shown", () => {
		const cfg = loadConfig({ ...DB, S3_ENDPOINT: "http://minio:9000", S3_ACCESS_KEY: "k", S3_SECRET_KEY: "topsecret" });
		const shown = JSON.stringify(redactConfig(cfg));
		expect(shown).to.not.contain("secret@");
		expect(shown).to.not.contain("topsecret");
		expect(shown).to.contain("u:***@db");
	});
});
