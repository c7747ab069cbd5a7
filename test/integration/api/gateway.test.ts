import { expect } from "chai";
import jwt from "jsonwebtoken";
import crypto from "node:crypto";
import type { Context } from "moleculer";
import { registerReadinessCheck } from "../../../lib/node/readiness";
import { makeSigningKey, signAccessToken } from "../../fixtures/services/auth.service";
import { startGatewayNode, startGatewayStack, waitForRoute, type GatewayNode, type GatewayStack } from "./gateway-stack";
import { waitFor } from "../../support/wait";
import { http } from "./http";
import { openSocket, refusedUpgrade, wsUrl } from "./ws-client";

/** Fixed windows are clock-aligned: start a limit test well inside one so it cannot straddle a reset. */
async function awayFromWindowEdge(windowMs = 60_000, marginMs = 4000) {
	const left = windowMs - (Date.now() % windowMs);
	if (left < marginMs) await new Promise(r => setTimeout(r, left + 50));
}

describe("api gateway (one node, Redis)", function () {
	this.timeout(30_000);
	let stack: GatewayStack;
	let url: string;
	let userToken: string;
	let adminToken: string;

	before(async () => {
		stack = await startGatewayStack({ env: { BODY_LIMIT: "16kb" }, apiSettings: { ws: { revocationCheckMs: 200 } } });
		url = stack.baseUrl;
		userToken = await stack.mint({ sub: "user-1", roles: ["user"] });
		adminToken = await stack.mint({ sub: "admin-1", roles: ["user", "admin"] });
	});
	after(async () => {
		await stack?.stop();
	});

	describe("request ids", () => {
		it("keeps a sane incoming X-Request-Id and hands it to the action as ctx.requestID", async () => {
			const res = await http(url, "/api/v1/fixtures/ping", { headers: { "x-request-id": "client-req-42" } });
			expect(res.status).to.equal(200);
			expect(res.headers.get("x-request-id")).to.equal("client-req-42");
			expect(res.json.requestId).to.equal("client-req-42");
		});

		it("replaces an unsafe incoming id with a fresh UUIDv7", async () => {
			const res = await http(url, "/api/v1/fixtures/ping", { headers: { "x-request-id": "x".repeat(300) } });
			const id = res.headers.get("x-request-id");
			expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
			expect(res.json.requestId).to.equal(id);
		});
	});

	describe("errors", () => {
		it("404 NOT_FOUND for unknown routes and methods", async () => {
			for (const [method, path] of [
				["GET", "/api/v1/nothing-here"],
				["GET", "/api/v1/fixtures/nothing"],
				["GET", "/definitely/not/a/route"],
				["DELETE", "/api/v1/fixtures/ping"]
			]) {
				const res = await http(url, path, { method });
				expect(res.status, `${method} ${path}`).to.equal(404);
				expect(res.json.type).to.equal("NOT_FOUND");
			}
		});

		it("forwards Idempotency-Key and only the headers an action names; a malformed key is 400", async () => {
			const ok = await http(url, "/api/v1/fixtures/request-meta", {
				method: "POST",
				body: {},
				headers: { "idempotency-key": "0b1c6a52-4f1e-4d0c-9d43-1f6f1b2a7e11", "x-signature": "sig", "x-other": "never" }
			});
			expect(ok.status).to.equal(200);
			expect(ok.json).to.deep.equal({ idempotencyKey: "0b1c6a52-4f1e-4d0c-9d43-1f6f1b2a7e11", headers: { "x-signature": "sig" } });
			const none = await http(url, "/api/v1/fixtures/request-meta", { method: "POST", body: {} });
			expect(none.json).to.deep.equal({ idempotencyKey: null, headers: {} });
			for (const bad of ["x".repeat(256), "has space", "é"]) {
				const res = await http(url, "/api/v1/fixtures/request-meta", { method: "POST", body: {}, headers: { "idempotency-key": bad } });
				expect(res.status, bad).to.equal(400);
				expect(res.json.type).to.equal("IDEMPOTENCY_KEY_INVALID");
			}
		});

		it("400 INVALID_JSON for a malformed body, without echoing it", async () => {
			const res = await http(url, "/api/v1/fixtures/echo", { method: "POST", rawBody: '{"name": "x", oops}' });
			expect(res.status).to.equal(400);
			expect(res.json).to.include({ name: "BadRequestError", type: "INVALID_JSON" });
			expect(res.text).to.not.include("oops");
		});

		it("400 for a body that cannot be decoded (corrupt gzip), 415 for an unknown charset", async () => {
			const gzip = await http(url, "/api/v1/fixtures/echo", { method: "POST", rawBody: '{"name":"x"}', headers: { "content-encoding": "gzip" } });
			expect(gzip.status).to.equal(400);
			const charset = await http(url, "/api/v1/fixtures/echo", {
				method: "POST",
				rawBody: '{"name":"x"}',
				headers: { "content-type": "application/json; charset=klingon" }
			});
			expect(charset.status).to.equal(415);
			expect(charset.json.type).to.equal("UNSUPPORTED_MEDIA_TYPE");
		});

		it("400 for a JSON body that is not an object", async () => {
			const res = await http(url, "/api/v1/fixtures/echo", { method: "POST", rawBody: "[1,2,3]" });
			expect(res.status).to.equal(400);
			expect(res.json.type).to.equal("BAD_REQUEST");
		});

		it("400 VALIDATION_ERROR with the failing fields, never their values", async () => {
			const res = await http(url, "/api/v1/fixtures/echo", { method: "POST", body: { name: "", password: "s3cr3t!", count: -1 } });
			expect(res.status).to.equal(400);
			expect(res.json.type).to.equal("VALIDATION_ERROR");
			expect(res.json.data.map((e: { field: string }) => e.field).sort()).to.deep.equal(["count", "name", "password"]);
			expect(res.text).to.not.include("s3cr3t!");
		});

		it("accepts a body under BODY_LIMIT and answers 413 over it", async () => {
			const small = await http(url, "/api/v1/fixtures/echo", { method: "POST", body: { name: "ok", padding: "a".repeat(10_000) } });
			expect(small.status).to.equal(201);
			expect(small.json.name).to.equal("ok");
			const big = await http(url, "/api/v1/fixtures/echo", { method: "POST", body: { name: "ok", padding: "a".repeat(20_000) } });
			expect(big.status).to.equal(413);
			expect(big.json).to.deep.include({ type: "PAYLOAD_TOO_LARGE", data: { limit: 16 * 1024 } });
		});

		it("keeps the status and type of domain errors (404, 409, 422)", async () => {
			const cases: [string, number, string][] = [
				["missing", 404, "ITEM_NOT_FOUND"],
				["taken", 409, "ITEM_TAKEN"],
				["closed", 422, "SALE_CLOSED"]
			];
			for (const [id, status, type] of cases) {
				const res = await http(url, `/api/v1/fixtures/items/${id}`);
				expect(res.status).to.equal(status);
				expect(res.json).to.deep.include({ type, data: { id } });
			}
			const ok = await http(url, "/api/v1/fixtures/items/abc-1?note=hello");
			expect(ok.json).to.deep.equal({ id: "abc-1", note: "hello" });
		});

		it("500 for a genuine internal error, hiding its message but giving the request id", async () => {
			const res = await http(url, "/api/v1/fixtures/boom");
			expect(res.status).to.equal(500);
			expect(res.json).to.deep.equal({
				name: "InternalServerError",
				message: "Internal server error",
				code: 500,
				type: "INTERNAL_ERROR",
				data: { requestId: res.headers.get("x-request-id") }
			});
			expect(res.text).to.not.match(/hunter2|ECONNREFUSED|db-primary/);
		});
	});

	describe("authentication", () => {
		it("401 NO_TOKEN on a protected action without a token", async () => {
			const res = await http(url, "/api/v1/fixtures/me");
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("NO_TOKEN");
			expect(res.headers.get("www-authenticate")).to.match(/^Bearer/);
		});

		it("puts { userId, sessionId, roles } on ctx.meta.user for a valid token", async () => {
			const token = await stack.mint({ sub: "user-7", sid: "session-7", roles: ["user", "seller"] });
			const res = await http(url, "/api/v1/fixtures/me", { token });
			expect(res.status).to.equal(200);
			expect(res.json.user).to.deep.equal({ userId: "user-7", sessionId: "session-7", roles: ["user", "seller"] });
			// JSON answers carry their length (one write per response), not chunked encoding.
			expect(res.headers.get("content-length")).to.equal(String(Buffer.byteLength(res.text)));
			expect(res.headers.get("transfer-encoding")).to.equal(null);
		});

		it("401 TOKEN_EXPIRED for an expired token", async () => {
			const token = await stack.mint({ sub: "user-1", expiresIn: -120 });
			const res = await http(url, "/api/v1/fixtures/me", { token });
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("TOKEN_EXPIRED");
		});

		it("401 INVALID_TOKEN for a token signed by another key under the real kid", async () => {
			const jwks = await http(url, "/.well-known/jwks.json");
			const realKid = jwks.json.keys[0].kid;
			const forger = makeSigningKey();
			const forged = signAccessToken({ kid: realKid, privateKey: forger.privateKey }, { sub: "admin-1", roles: ["admin"] });
			const res = await http(url, "/api/v1/fixtures/admin", { token: forged });
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("INVALID_TOKEN");
		});

		it("401 INVALID_TOKEN for garbage, an HS256 token or a token with an unknown kid", async () => {
			const hs = jwt.sign({ sub: "u", sid: "s", exp: Math.floor(Date.now() / 1000) + 60 }, "secret", { algorithm: "HS256" });
			const unknownKid = signAccessToken(makeSigningKey(), { sub: "u" });
			for (const token of ["garbage", hs, unknownKid]) {
				const res = await http(url, "/api/v1/fixtures/me", { token });
				expect(res.status).to.equal(401);
				expect(res.json.type).to.equal("INVALID_TOKEN");
			}
		});

		it("optional actions run anonymously but still refuse a bad token; `none` ignores credentials", async () => {
			expect((await http(url, "/api/v1/fixtures/maybe")).json).to.deep.equal({ user: null });
			expect((await http(url, "/api/v1/fixtures/maybe", { token: userToken })).json.user.userId).to.equal("user-1");
			expect((await http(url, "/api/v1/fixtures/maybe", { token: "garbage" })).status).to.equal(401);
			const none = await http(url, "/api/v1/fixtures/ping", { token: "garbage" });
			expect(none.status).to.equal(200);
			expect(none.json.user).to.equal(null);
		});

		it("403 FORBIDDEN on an admin action for a plain user, 200 for an admin", async () => {
			const user = await http(url, "/api/v1/fixtures/admin", { token: userToken });
			expect(user.status).to.equal(403);
			expect(user.json.type).to.equal("FORBIDDEN");
			const admin = await http(url, "/api/v1/fixtures/admin", { token: adminToken });
			expect(admin.status).to.equal(200);
			expect(admin.json.user.roles).to.include("admin");
		});

		it("refuses a revoked session within a second, though its token is cached as verified", async () => {
			const sid = `sess-${crypto.randomBytes(4).toString("hex")}`;
			const token = await stack.mint({ sub: "user-9", sid });
			const other = await stack.mint({ sub: "user-9" });
			expect((await http(url, "/api/v1/fixtures/me", { token })).status).to.equal(200);

			await stack.revocations.revokeSession(sid, 900);
			const revokedAt = Date.now();
			let res = await http(url, "/api/v1/fixtures/me", { token });
			while (res.status === 200 && Date.now() - revokedAt < 2000) {
				await new Promise(r => setTimeout(r, 50));
				res = await http(url, "/api/v1/fixtures/me", { token });
			}
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("SESSION_REVOKED");
			expect(Date.now() - revokedAt).to.be.below(1000);
			// The user's other session is unaffected.
			expect((await http(url, "/api/v1/fixtures/me", { token: other })).status).to.equal(200);
		});

		it("accepts tokens from a rotated key (refetches the JWKS on an unknown kid)", async () => {
			const before = await stack.broker.call<{ jwksCalls: number }>("auth.fixtureStats");
			const { kid } = await stack.broker.call<{ kid: string }, { dropOld: boolean }>("auth.rotateKey", { dropOld: false });
			const token = await stack.mint({ sub: "user-2" });
			expect(jwt.decode(token, { complete: true })?.header.kid).to.equal(kid);
			// Unknown-kid refetches are throttled to one per second (an earlier test sent unknown kids),
			// so the new key may take up to that long to be accepted.
			const start = Date.now();
			let res = await http(url, "/api/v1/fixtures/me", { token });
			while (res.status === 401 && Date.now() - start < 2000) {
				await new Promise(r => setTimeout(r, 100));
				res = await http(url, "/api/v1/fixtures/me", { token });
			}
			expect(res.status).to.equal(200);
			expect(res.json.user.userId).to.equal("user-2");
			const after = await stack.broker.call<{ jwksCalls: number }>("auth.fixtureStats");
			expect(after.jwksCalls).to.be.greaterThan(before.jwksCalls);
		});
	});

	describe("rate limits", () => {
		it("429 RATE_LIMITED with Retry-After past an action's own limit", async () => {
			await awayFromWindowEdge();
			for (let i = 0; i < 3; i++) expect((await http(url, "/api/v1/fixtures/limited")).status).to.equal(200);
			const res = await http(url, "/api/v1/fixtures/limited");
			expect(res.status).to.equal(429);
			expect(res.json.type).to.equal("RATE_LIMITED");
			const retryAfter = Number(res.headers.get("retry-after"));
			expect(retryAfter).to.be.within(1, 60);
			expect(res.json.data).to.include({ retryAfter, limit: 3 });
			// Other routes keep working for the same client.
			expect((await http(url, "/api/v1/fixtures/ping")).status).to.equal(200);
		});

		it("reports the route limit in X-Rate-Limit headers", async () => {
			const res = await http(url, "/api/v1/fixtures/ping");
			expect(res.headers.get("x-rate-limit-limit")).to.equal("600");
			expect(Number(res.headers.get("x-rate-limit-remaining"))).to.be.within(0, 599);
		});
	});

	describe("pagination through the gateway", () => {
		it("pages { items, nextCursor } with the default limit, caps large limits, refuses bad cursors", async () => {
			const first = await http(url, "/api/v1/fixtures/things");
			expect(first.json.items).to.have.length(20);
			const second = await http(url, `/api/v1/fixtures/things?cursor=${first.json.nextCursor}`);
			expect(second.json.items[0].id).to.equal("t21");
			const third = await http(url, `/api/v1/fixtures/things?cursor=${second.json.nextCursor}`);
			expect(third.json.items).to.have.length(5);
			expect(third.json.nextCursor).to.equal(null);
			const capped = await http(url, "/api/v1/fixtures/things?limit=500");
			expect(capped.json.items).to.have.length(45);
			const bad = await http(url, "/api/v1/fixtures/things?cursor=%24%24%24");
			expect(bad.status).to.equal(400);
			expect(bad.json.type).to.equal("INVALID_CURSOR");
		});
	});

	describe("platform routes", () => {
		it("GET /api/health/live → 200", async () => {
			const res = await http(url, "/api/health/live");
			expect(res.status).to.equal(200);
			expect(res.json.status).to.equal("ok");
		});

		it("GET /api/health/ready → 200 when ready, 503 when a dependency check fails", async () => {
			const ok = await http(url, "/api/health/ready");
			expect(ok.status).to.equal(200);
			expect(ok.json.checks).to.deep.include({ redis: { ok: true }, broker: { ok: true } });

			let failing = true;
			registerReadinessCheck(stack.broker, "test-dependency", async () => {
				if (failing) throw new Error("down");
			});
			const down = await fetch(url + "/api/health/ready");
			expect(down.status).to.equal(503);
			const body = (await down.json()) as { checks: Record<string, unknown> };
			expect(body.checks["test-dependency"]).to.deep.equal({ ok: false });
			failing = false;
			expect((await http(url, "/api/health/ready")).status).to.equal(200);
		});

		it("GET /.well-known/jwks.json → auth's public keys only", async () => {
			const res = await http(url, "/.well-known/jwks.json");
			expect(res.status).to.equal(200);
			const stats = await stack.broker.call<{ kids: string[] }>("auth.fixtureStats");
			expect(res.json.keys.map((k: { kid: string }) => k.kid).sort()).to.deep.equal([...stats.kids].sort());
			for (const k of res.json.keys) {
				expect(k).to.include({ kty: "RSA", alg: "RS256", use: "sig" });
				expect(Object.keys(k).sort()).to.deep.equal(["alg", "e", "kid", "kty", "n", "use"]);
			}
		});

		it("GET /api/openapi.json → OpenAPI 3.1 with the declared routes, bodies and auth", async () => {
			const res = await http(url, "/api/openapi.json");
			expect(res.status).to.equal(200);
			const doc = res.json;
			expect(doc.openapi).to.equal("3.1.0");
			expect(doc.servers[0].url).to.equal(url.replace("127.0.0.1", "localhost"));
			expect(doc.paths).to.include.keys(
				"/api/v1/fixtures/ping",
				"/api/v1/fixtures/echo",
				"/api/v1/fixtures/items/{id}",
				"/api/v1/fixtures/admin",
				"/api/health/live",
				"/api/health/ready",
				"/.well-known/jwks.json"
			);
			expect(Object.keys(doc.paths).some((p: string) => p.includes("list-aliases"))).to.equal(false);

			const echo = doc.paths["/api/v1/fixtures/echo"].post;
			const schema = echo.requestBody.content["application/json"].schema;
			expect(schema.required).to.deep.equal(["name"]);
			expect(schema.properties.name).to.deep.equal({ type: "string", minLength: 1, maxLength: 50 });
			expect(schema.properties.tags).to.deep.equal({ type: "array", items: { type: "string" } });
			expect(schema.properties.kind).to.deep.equal({ enum: ["a", "b"] });
			expect(echo.responses).to.include.keys("201", "400", "413", "429");

			const item = doc.paths["/api/v1/fixtures/items/{id}"];
			expect(item.get.parameters).to.deep.include({ name: "id", in: "path", required: true, schema: { type: "string", minLength: 3, maxLength: 40 } });
			expect(item.get.parameters).to.deep.include({ name: "note", in: "query", required: false, schema: { type: "string", maxLength: 200 } });
			expect(item.patch.requestBody.content["application/json"].schema.properties).to.have.key("note");

			expect(doc.paths["/api/v1/fixtures/admin"].get["x-auth"]).to.equal("admin");
			expect(doc.paths["/api/v1/fixtures/me"].get.security).to.deep.equal([{ bearerAuth: [] }]);
			expect(doc.paths["/api/v1/fixtures/limited"].get["x-rate-limits"]).to.deep.include({ scope: "action", window: 60_000, limit: 3 });
			expect(doc.components.securitySchemes.bearerAuth).to.include({ type: "http", scheme: "bearer" });
		});

		it("GET /api/docs → a self-contained HTML page listing the operations", async () => {
			const res = await fetch(url + "/api/docs");
			expect(res.status).to.equal(200);
			expect(res.headers.get("content-type")).to.match(/^text\/html/);
			expect(res.headers.get("x-request-id")).to.be.a("string");
			const html = await res.text();
			expect(html).to.include("<h2 id=\"tag-fixtures\">fixtures</h2>");
			expect(html).to.include("/api/v1/fixtures/echo");
			expect(html).to.include("admin role required");
			expect(html).to.not.match(/<script|(src|href)="https?:\/\//);
		});

		it("answers CORS preflights for the configured origins", async () => {
			const res = await fetch(url + "/api/v1/fixtures/echo", {
				method: "OPTIONS",
				headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" }
			});
			expect(res.status).to.equal(204);
			expect(res.headers.get("access-control-allow-origin")).to.equal("*");
			expect(res.headers.get("access-control-allow-headers")).to.include("Authorization");
			expect(res.headers.get("x-request-id")).to.be.a("string");
		});
	});

	describe("WebSocket /ws", () => {
		it("refuses the upgrade with 401 without a token, or with a bad one", async () => {
			const none = await refusedUpgrade(wsUrl(url));
			expect(none.status).to.equal(401);
			expect(none.body.type).to.equal("NO_TOKEN");
			expect(none.headers["x-request-id"]).to.be.a("string");
			const bad = await refusedUpgrade(wsUrl(url, "/ws?token=garbage"));
			expect(bad.status).to.equal(401);
			expect(bad.body.type).to.equal("INVALID_TOKEN");
			const expired = await refusedUpgrade(wsUrl(url, `/ws?token=${await stack.mint({ sub: "u", expiresIn: -60 })}`));
			expect(expired.body.type).to.equal("TOKEN_EXPIRED");
			expect(JSON.stringify([none, bad, expired].map(r => r.body))).to.not.match(/stack/i);
			expect((await refusedUpgrade(wsUrl(url, "/elsewhere"))).status).to.equal(404);
		});

		it("delivers frames pushed through the broker to that user's sockets only", async () => {
			const alice = await openSocket(wsUrl(url, `/ws?token=${await stack.mint({ sub: "alice" })}`));
			const bob = await openSocket(wsUrl(url), { authorization: `Bearer ${await stack.mint({ sub: "bob" })}` });
			try {
				await stack.broker.call("api.pushToUser", { userId: "alice", frame: { type: "notification", data: { id: "n1" } } });
				expect(await alice.next("notification")).to.deep.equal({ type: "notification", data: { id: "n1" } });

				await stack.broker.broadcast("api.ws.deliver", { userIds: ["alice", "bob"], frame: { type: "message.new", data: { seq: 1 } } });
				expect((await alice.next("message.new")).data).to.deep.equal({ seq: 1 });
				expect((await bob.next("message.new")).data).to.deep.equal({ seq: 1 });

				await new Promise(r => setTimeout(r, 100));
				expect(bob.frames.filter(f => f.type === "notification")).to.have.length(0);
			} finally {
				alice.close();
				bob.close();
			}
		});

		it("api.online answers which users hold a socket on this node", async () => {
			const erin = await openSocket(wsUrl(url, `/ws?token=${await stack.mint({ sub: "erin" })}`));
			try {
				expect(await stack.broker.call("api.online", { userIds: ["erin", "frank", "erin"] })).to.deep.equal({ userIds: ["erin"] });
			} finally {
				erin.close();
			}
			await erin.closed;
			// The server sees the close a moment after the client does.
			await waitFor(async () => ((await stack.broker.call("api.online", { userIds: ["erin"] })) as { userIds: string[] }).userIds.length === 0, "erin offline", 5000);
		});

		it("forwards client frames as the ws.client.frame event and answers ping", async () => {
			const received: unknown[] = [];
			await stack.broker.createService({
				name: "frame-listener",
				events: {
					"ws.client.frame"(ctx: Context<unknown>) {
						received.push(ctx.params);
					}
				}
			});
			const socket = await openSocket(wsUrl(url, `/ws?token=${await stack.mint({ sub: "typist", sid: "typist-session" })}`));
			try {
				socket.ws.send(JSON.stringify({ type: "typing", conversationId: "c-1" }));
				socket.ws.send(JSON.stringify({ type: "ping" }));
				expect((await socket.next("pong")).type).to.equal("pong");
				const deadline = Date.now() + 2000;
				while (received.length === 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 20));
				expect(received).to.deep.equal([{ userId: "typist", sessionId: "typist-session", frame: { type: "typing", conversationId: "c-1" } }]);

				socket.ws.send("not json");
				expect((await socket.next("error")).data.type).to.equal("INVALID_FRAME");
			} finally {
				socket.close();
			}
		});

		it("closes the sockets of a revoked session (code 4401)", async () => {
			const sid = `ws-${crypto.randomBytes(4).toString("hex")}`;
			const socket = await openSocket(wsUrl(url, `/ws?token=${await stack.mint({ sub: "leaver", sid })}`));
			await stack.revocations.revokeSession(sid, 900);
			const closed = await Promise.race([socket.closed, new Promise<null>(r => setTimeout(() => r(null), 3000))]);
			expect(closed).to.deep.equal({ code: 4401, reason: "session revoked" });
		});
	});
});

describe("api gateway: route limits shared by two nodes through Redis", function () {
	this.timeout(30_000);
	const namespace = `t-api-${crypto.randomBytes(5).toString("hex")}`;
	let a: GatewayNode;
	let b: GatewayNode;

	before(async () => {
		// Two gateways without a transporter: only Redis connects them. 600 × 0.01 = 6 requests per minute.
		a = await startGatewayNode({ namespace, env: { RATE_LIMIT_SCALE: "0.01" } });
		b = await startGatewayNode({ namespace, env: { RATE_LIMIT_SCALE: "0.01" } });
		await Promise.all([waitForRoute(a.broker, "fixtures.ping"), waitForRoute(b.broker, "fixtures.ping")]);
	});
	after(async () => {
		await a?.stop();
		await b?.stop();
	});

	it("counts one client's requests across both nodes and answers 429 with Retry-After", async () => {
		await awayFromWindowEdge();
		const statuses: number[] = [];
		for (let i = 0; i < 6; i++) statuses.push((await http(i % 2 ? b.baseUrl : a.baseUrl, "/api/v1/fixtures/ping")).status);
		expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 200]);
		for (const base of [a.baseUrl, b.baseUrl]) {
			const res = await http(base, "/api/v1/fixtures/ping");
			expect(res.status).to.equal(429);
			expect(res.json.type).to.equal("RATE_LIMITED");
			expect(Number(res.headers.get("retry-after"))).to.be.within(1, 60);
			expect(res.headers.get("x-rate-limit-remaining")).to.equal("0");
		}
	});
});

describe("api gateway without Redis (in-memory equivalents)", function () {
	this.timeout(30_000);
	let stack: GatewayStack;

	before(async () => {
		stack = await startGatewayStack({ redis: false });
	});
	after(async () => {
		await stack?.stop();
	});

	it("still limits, and still refuses revoked sessions", async () => {
		await awayFromWindowEdge();
		for (let i = 0; i < 3; i++) expect((await http(stack.baseUrl, "/api/v1/fixtures/limited")).status).to.equal(200);
		expect((await http(stack.baseUrl, "/api/v1/fixtures/limited")).status).to.equal(429);

		const token = await stack.mint({ sub: "mem-user", sid: "mem-session" });
		expect((await http(stack.baseUrl, "/api/v1/fixtures/me", { token })).status).to.equal(200);
		await stack.revocations.revokeSession("mem-session", 60);
		const res = await http(stack.baseUrl, "/api/v1/fixtures/me", { token });
		expect(res.status).to.equal(401);
		expect(res.json.type).to.equal("SESSION_REVOKED");
		expect((await http(stack.baseUrl, "/api/health/ready")).json.checks).to.not.have.property("redis");
	});
});
