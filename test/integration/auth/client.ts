/**
 * HTTP for the auth tests: like test/integration/api/http.ts (same checks on
 * every response: X-Request-Id, the public error shape, no stack), plus a
 * source address per client. Linux routes all of 127.0.0.0/8 to loopback, so
 * each test can be "another caller" for the per-address limits and lockouts
 * without raising RATE_LIMIT_SCALE.
 */
import { expect } from "chai";
import http from "node:http";

export interface Res {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface ReqOptions {
	method?: string;
	token?: string;
	body?: unknown;
	form?: Record<string, string>;
	headers?: Record<string, string>;
}

let next = 0;

/** A fresh loopback source address (127.10.x.y), unique within the run. */
export function newAddress(): string {
	next += 1;
	return `127.10.${Math.floor(next / 250) % 250}.${(next % 250) + 1}`;
}

export type Client = (path: string, opts?: ReqOptions) => Promise<Res>;

export function client(baseUrl: string, from: string = newAddress()): Client {
	const base = new URL(baseUrl);
	return (path, opts = {}) =>
		new Promise<Res>((resolve, reject) => {
			const headers: Record<string, string> = { "user-agent": "nexgate-tests/1.0", ...opts.headers };
			if (opts.token) headers.authorization = `Bearer ${opts.token}`;
			let body: string | undefined;
			if (opts.form) {
				body = new URLSearchParams(opts.form).toString();
				headers["content-type"] = "application/x-www-form-urlencoded";
			} else if (opts.body !== undefined) {
				body = JSON.stringify(opts.body);
				headers["content-type"] = "application/json";
			}
			// Node sends DELETE bodies unframed unless told their length.
			if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
			const req = http.request(
				{ host: base.hostname, port: base.port, path: `/api/v1${path}`, method: opts.method ?? "GET", headers, localAddress: from },
				res => {
					const chunks: Buffer[] = [];
					res.on("data", c => chunks.push(c));
					res.on("end", () => {
						const text = Buffer.concat(chunks).toString("utf8");
						const json = (res.headers["content-type"] ?? "").includes("application/json") && text ? JSON.parse(text) : undefined;
						try {
							expect(res.headers["x-request-id"], `X-Request-Id on ${path}`).to.be.a("string");
							if ((res.statusCode ?? 0) >= 400) {
								expect(text).to.not.match(/"stack"/);
								expect(json, `error body of ${path}`).to.include.keys("name", "message", "code", "type");
								expect(json.code).to.equal(res.statusCode);
							}
						} catch (err) {
							return reject(err);
						}
						resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
					});
				}
			);
			req.on("error", reject);
			req.end(body);
		});
}
