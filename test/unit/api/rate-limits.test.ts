import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { AcceptedCredentials } from "../../../services/api/accepted-credentials";
import { createRateLimitStoreFactory, retryAfterSeconds, windowSlot } from "../../../services/api/rate-limit-store";
import { addressKey, bearerHash, callerKey, scaledLimit } from "../../../services/api/rate-limits";
import { newRequestId, requestIdFor, saneRequestId } from "../../../services/api/request-id";

function fakeReq(headers: Record<string, string>, remoteAddress = "203.0.113.9"): IncomingMessage {
	return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe("rate limits", () => {
	it("scales limits and never goes below one request", () => {
		expect(scaledLimit(600, 1)).to.equal(600);
		expect(scaledLimit(600, 10)).to.equal(6000);
		expect(scaledLimit(600, 0.001)).to.equal(1);
	});

	it("counts IPv4 as is (also IPv4-mapped) and IPv6 per /64", () => {
		expect(addressKey("198.51.100.7")).to.equal("ip:198.51.100.7");
		expect(addressKey("::ffff:198.51.100.7")).to.equal("ip:198.51.100.7");
		expect(addressKey("2001:db8:1:2:aaaa::1")).to.equal("ip6:2001:db8:1:2::/64");
		expect(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff")).to.equal(addressKey("2001:db8:1:2::9"));
		expect(addressKey("2001:db8:1:3::9")).to.not.equal(addressKey("2001:db8:1:2::9"));
		expect(addressKey(undefined)).to.equal("ip:unknown");
	});

	it("counts a caller per user only for tokens already verified, else per address, ignoring X-Forwarded-For", () => {
		const known = (t: string) => (t === "good" ? "user-1" : undefined);
		expect(callerKey(fakeReq({ authorization: "Bearer good" }), known)).to.equal("u:user-1");
		expect(callerKey(fakeReq({ authorization: "Bearer forged" }), known)).to.equal("ip:203.0.113.9");
		expect(callerKey(fakeReq({ "x-forwarded-for": "1.2.3.4" }), known)).to.equal("ip:203.0.113.9");
	});

	it("counts a scanner token on its own once an action accepted it; a made-up one stays on the address", () => {
		const credentials = new AcceptedCredentials(60_000, 2);
		const noUser = () => undefined;
		const accepted = (hash: string) => credentials.has(hash);
		const gateA = fakeReq({ authorization: "Bearer scanner-a" });
		expect(callerKey(gateA, noUser, accepted)).to.equal("ip:203.0.113.9");
		credentials.remember(bearerHash(gateA)!);
		expect(callerKey(fakeReq({ authorization: "Bearer scanner-a" }), noUser, accepted)).to.equal(`c:${bearerHash(gateA)}`);
		expect(callerKey(fakeReq({ authorization: "Bearer made-up" }), noUser, accepted)).to.equal("ip:203.0.113.9");
		// An access token this node verified is still counted per user.
		expect(callerKey(fakeReq({ authorization: "Bearer scanner-a" }), () => "user-1", accepted)).to.equal("u:user-1");
	});

	it("forgets an accepted credential after its time, and the oldest first when full", () => {
		const credentials = new AcceptedCredentials(1000, 2);
		credentials.remember("a", 0);
		expect(credentials.has("a", 999)).to.equal(true);
		expect(credentials.has("a", 1000)).to.equal(false);
		credentials.remember("b", 0);
		credentials.remember("c", 0);
		credentials.remember("d", 0);
		expect(["b", "c", "d"].map(h => credentials.has(h, 10))).to.deep.equal([false, true, true]);
	});

	it("uses clock-aligned windows so every node agrees on the reset time", () => {
		expect(windowSlot(125_000, 60_000)).to.deep.equal({ slot: 2, resetTime: 180_000 });
		expect(retryAfterSeconds(180_000, 125_000)).to.equal(55);
		expect(retryAfterSeconds(180_000, 179_999)).to.equal(1);
	});

	it("counts in memory per window when Redis is not configured", async () => {
		let clock = 60_000;
		const Store = createRateLimitStoreFactory({ redis: null, prefix: "t", now: () => clock });
		const store = new Store(60_000);
		expect(await store.inc("a")).to.equal(1);
		expect(await store.inc("a")).to.equal(2);
		expect(await store.inc("b")).to.equal(1);
		expect(store.resetTime).to.equal(120_000);
		clock = 120_000; // next window
		expect(await store.inc("a")).to.equal(1);
	});
});

describe("request ids", () => {
	it("keeps a sane incoming id and replaces anything else with a UUIDv7", () => {
		expect(saneRequestId("abc-123_x.y:z")).to.equal("abc-123_x.y:z");
		expect(saneRequestId("has space")).to.equal(null);
		expect(saneRequestId("x".repeat(200))).to.equal(null);
		expect(requestIdFor(fakeReq({ "x-request-id": "client-42" }))).to.equal("client-42");
		const fresh = requestIdFor(fakeReq({ "x-request-id": "<script>" }));
		expect(fresh).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(newRequestId()).to.not.equal(newRequestId());
	});
});
