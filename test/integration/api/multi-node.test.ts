import { expect } from "chai";
import crypto from "node:crypto";
import { openSessionRevocations, type SessionRevocations } from "../../../lib/auth/session-revocations";
import { mintAccessToken } from "../../fixtures/services/auth.service";
import { REDIS_URL, startGatewayNode, waitForNode, waitForRoute, type GatewayNode } from "./gateway-stack";
import { http } from "./http";
import { openSocket, wsUrl } from "./ws-client";

/**
 * Two gateway nodes over RabbitMQ sharing Redis: node A runs api, auth and the
 * fixtures; node B runs only api and reaches everything else through the
 * transporter — the "many nodes" shape of DESIGN.md §3.
 */
describe("api gateway across nodes (RabbitMQ + Redis)", function () {
	this.timeout(60_000);
	const namespace = `t-api-mn-${crypto.randomBytes(4).toString("hex")}`;
	let a: GatewayNode;
	let b: GatewayNode;
	let revocations: SessionRevocations;
	const mint = (sub: string, sid?: string) => mintAccessToken(b.broker, { sub, sid });

	before(async () => {
		a = await startGatewayNode({ namespace, transporter: true, nodeId: `${namespace}-a`, apiSettings: { ws: { revocationCheckMs: 200 } } });
		b = await startGatewayNode({ namespace, transporter: true, nodeId: `${namespace}-b`, services: ["api"], apiSettings: { ws: { revocationCheckMs: 200 } } });
		await Promise.all([waitForNode(a.broker, b.broker.nodeID), waitForNode(b.broker, a.broker.nodeID)]);
		await b.broker.waitForServices(["auth", "fixtures"], 20_000);
		await waitForRoute(b.broker, "fixtures.things", 20_000);
		revocations = openSessionRevocations({ redisUrl: REDIS_URL, namespace });
	});
	after(async () => {
		await revocations?.close();
		await b?.stop();
		await a?.stop();
	});

	it("serves another node's routes, verifying tokens with keys fetched over the transporter", async () => {
		const token = await mint("remote-user", "remote-session");
		const res = await http(b.baseUrl, "/api/v1/fixtures/me", { token });
		expect(res.status).to.equal(200);
		expect(res.json.user).to.deep.equal({ userId: "remote-user", sessionId: "remote-session", roles: ["user"] });
		// Errors thrown on node A keep their status and type on node B.
		const missing = await http(b.baseUrl, "/api/v1/fixtures/items/missing");
		expect(missing.status).to.equal(404);
		expect(missing.json.type).to.equal("ITEM_NOT_FOUND");
		const boom = await http(b.baseUrl, "/api/v1/fixtures/boom");
		expect(boom.status).to.equal(500);
		expect(boom.text).to.not.include("hunter2");
	});

	it("delivers a frame to the node that holds the user's socket, whoever sends it", async () => {
		const onA = await openSocket(wsUrl(a.baseUrl, `/ws?token=${await mint("carol")}`));
		const onB = await openSocket(wsUrl(b.baseUrl, `/ws?token=${await mint("dave")}`));
		try {
			// Sent from node B, whose only gateway holds no socket of carol's.
			await b.broker.call("api.pushToUser", { userId: "carol", frame: { type: "notification", data: { n: 1 } } });
			expect(await onA.next("notification")).to.deep.equal({ type: "notification", data: { n: 1 } });
			// Sent from node A to a user connected to node B.
			await a.broker.call("api.pushToUsers", { userIds: ["dave"], frame: { type: "receipt", data: { seq: 3 } } });
			expect((await onB.next("receipt")).data).to.deep.equal({ seq: 3 });
		} finally {
			onA.close();
			onB.close();
		}
	});

	it("refuses a revoked session on every node within a second", async () => {
		const sid = `mn-${crypto.randomBytes(4).toString("hex")}`;
		const token = await mint("erin", sid);
		for (const base of [a.baseUrl, b.baseUrl]) expect((await http(base, "/api/v1/fixtures/me", { token })).status).to.equal(200);

		await revocations.revokeSession(sid, 900);
		const revokedAt = Date.now();
		await new Promise(r => setTimeout(r, 1000 - (Date.now() - revokedAt)));
		for (const base of [a.baseUrl, b.baseUrl]) {
			const res = await http(base, "/api/v1/fixtures/me", { token });
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("SESSION_REVOKED");
		}
	});
});
