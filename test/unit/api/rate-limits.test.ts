import { expect } from "chai";
import type { IncomingMessage } from "node:http";
import { createRateLimitStoreFactory, retryAfterSeconds, windowSlot } from "../../../services/api/rate-limit-store";
import { addressKey, callerKey, scaledLimit } from "../../../services/api/rate-limits";
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
