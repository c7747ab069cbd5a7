/**
 * The gateway hub's keepalive (services/api/websocket.ts), which message
 * fan-out shares the process with: every socket is pinged once per interval,
 * a slice of them at a time rather than all in one tick, and a socket that
 * does not answer is cut. Real sockets on a local HTTP server.
 */
import { expect } from "chai";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { createWsHub, type WsHub } from "../../../services/api/websocket";

const INTERVAL_MS = 600;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

describe("gateway WebSocket keepalive (what fan-out shares the process with)", function () {
	this.timeout(20_000);
	let server: http.Server;
	let hub: WsHub;
	let url: string;
	const clients: WebSocket[] = [];

	before(async () => {
		server = http.createServer();
		let n = 0;
		hub = createWsHub({
			server,
			pingIntervalMs: INTERVAL_MS,
			authenticate: async () => ({ userId: `u${n++}`, sessionId: "s", roles: [] }),
			isSessionRevoked: async () => false,
			onClientFrame: () => undefined,
			requestId: () => "r",
			toErrorResponse: () => ({ status: 500, body: {}, headers: {}, internal: true }) as never,
			log: quiet
		});
		await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
		url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
	});

	after(async () => {
		for (const c of clients) c.terminate();
		await hub.close();
		await new Promise(resolve => server.close(resolve));
	});

	const open = (opts: { autoPong?: boolean } = {}) =>
		new Promise<WebSocket>((resolve, reject) => {
			const ws = new WebSocket(url, opts);
			clients.push(ws);
			ws.once("message", () => resolve(ws));
			ws.once("error", reject);
		});

	it("pings every socket once per interval, spread over the interval rather than in one burst", async () => {
		const sockets = await Promise.all(Array.from({ length: 30 }, () => open()));
		const pings = sockets.map(() => [] as number[]);
		sockets.forEach((ws, i) => ws.on("ping", () => pings[i].push(Date.now())));
		await new Promise(r => setTimeout(r, INTERVAL_MS * 2.5));
		// Each socket twice or three times in 2.5 intervals: once per interval, not once per tick.
		for (const times of pings) expect(times.length).to.be.within(2, 3);
		// The first pings of the 30 sockets arrive over most of an interval, not at one moment.
		const firsts = pings.map(t => t[0]);
		expect(Math.max(...firsts) - Math.min(...firsts)).to.be.greaterThan(INTERVAL_MS / 2);
	});

	it("cuts a socket that does not answer its ping, and keeps those that do", async () => {
		const [silent, live] = await Promise.all([open({ autoPong: false }), open()]);
		const closed = new Promise<number>(resolve => silent.once("close", () => resolve(Date.now())));
		const start = Date.now();
		// Pinged within one interval, found unanswered one interval later.
		expect((await closed) - start).to.be.lessThan(INTERVAL_MS * 2 + 200);
		expect(live.readyState).to.equal(WebSocket.OPEN);
	});
});
