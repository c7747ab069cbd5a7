/**
 * A revoked session is refused by every gateway node, not only the one that
 * carried the revocation (split topology: a second gateway node joins the
 * run's RabbitMQ and Redis; the revocation list is shared through Redis).
 */
import { expect } from "chai";
import type { Server } from "node:http";
import { startNode, type NodeHandle } from "../../../lib/node/bootstrap";
import { nodeEnv, TOPOLOGY } from "../../support/environment";
import { getStack, type Stack } from "../../support/stack";
import { sleep, waitFor } from "../../support/wait";
import { login, registerVerified, type TokenPair } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";

describe("auth: revocation across gateway nodes", function () {
	this.timeout(90_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let second: NodeHandle | null = null;
	let viaA: Client;
	let viaB: Client;

	before(async function () {
		if (TOPOLOGY !== "split") return this.skip();
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		second = await startNode({ env: nodeEnv("split", { NODE_ID: `gateway-b-${process.pid}` }), services: ["api"], log: () => undefined });
		const api = second.broker.getLocalService("api") as unknown as { server: Server };
		const port = (api.server.address() as { port: number }).port;
		viaA = client(stack.apiUrl);
		viaB = client(`http://127.0.0.1:${port}`);
		await second.broker.waitForServices(["auth"], 30_000);
		// Node B has generated its routes for auth once it answers a public auth route.
		await waitFor(async () => (await viaB("/auth/otp", { method: "POST", body: {} })).status === 400, "gateway B's auth routes", 30_000, 200);
	});
	after(async () => {
		await inbox?.close();
		await second?.stop();
	});

	it("refuses on gateway B, within a second, a session signed out through gateway A", async () => {
		const u = await registerVerified(viaA, inbox);
		const pair = (await login(viaA, u)).json as TokenPair;
		// B has verified (and cached) the token before the revocation.
		expect((await viaB("/auth/me", { token: pair.accessToken })).status).to.equal(200);
		expect((await viaA("/auth/logout", { method: "POST", token: pair.accessToken })).status).to.equal(204);
		await sleep(1000);
		const onB = await viaB("/auth/me", { token: pair.accessToken });
		expect(onB.status).to.equal(401);
		expect(onB.json.type).to.equal("SESSION_REVOKED");
	});

	it("refuses on gateway A a session ended through gateway B (revoke one / reuse)", async () => {
		const u = await registerVerified(viaB, inbox);
		const other = (await login(viaA, u)).json as TokenPair;
		expect((await viaA("/auth/me", { token: other.accessToken })).status).to.equal(200);
		const sid = JSON.parse(Buffer.from(other.accessToken.split(".")[1], "base64url").toString()).sid;
		expect((await viaB(`/auth/sessions/${sid}`, { method: "DELETE", token: u.tokens.accessToken })).status).to.equal(204);
		await sleep(1000);
		expect((await viaA("/auth/me", { token: other.accessToken })).json.type).to.equal("SESSION_REVOKED");

		const pair = (await login(viaA, u)).json as TokenPair;
		expect((await viaA("/auth/refresh", { method: "POST", body: { refreshToken: pair.refreshToken } })).status).to.equal(200);
		expect((await viaB("/auth/refresh", { method: "POST", body: { refreshToken: pair.refreshToken } })).json.type).to.equal("REFRESH_TOKEN_REUSED");
		await sleep(1000);
		expect((await viaA("/auth/me", { token: pair.accessToken })).json.type).to.equal("SESSION_REVOKED");
	});
});
