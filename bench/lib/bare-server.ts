/**
 * The baseline: a bare Node `http` server in its own process answering what
 * the gateway's `GET /api/v1/fixtures/me` answers — the caller and a request
 * id as JSON — with no framework, no token check beyond "a Bearer header is
 * there", no broker. Sends { type: "ready", port } over IPC.
 */
import crypto from "node:crypto";
import http from "node:http";

const user = { userId: crypto.randomUUID(), sessionId: crypto.randomUUID(), roles: ["user"] };

const server = http.createServer((req, res) => {
	if (!req.headers.authorization?.startsWith("Bearer ")) {
		res.writeHead(401, { "Content-Type": "application/json; charset=utf-8" });
		res.end('{"name":"UnauthorizedError","message":"No token","code":401,"type":"NO_TOKEN","data":null}');
		return;
	}
	const body = JSON.stringify({ user, requestId: crypto.randomUUID() });
	res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
	res.end(body);
});

server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
	const address = server.address();
	process.send?.({ type: "ready", port: address && typeof address === "object" ? address.port : 0 });
});

const stop = () => server.close(() => process.exit(0));
process.on("message", (msg: { type?: string }) => {
	if (msg?.type === "stop") stop();
});
process.on("disconnect", stop);
process.on("SIGTERM", stop);
