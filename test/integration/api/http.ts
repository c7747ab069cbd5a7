/**
 * fetch for the gateway tests. Every response it sees must carry an
 * X-Request-Id and, when it is an error, the public error shape without a
 * stack: asserting that here makes it true of every request in the suite.
 */
import { expect } from "chai";

export interface HttpResult {
	status: number;
	headers: Headers;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HttpOptions {
	method?: string;
	token?: string;
	body?: unknown;
	rawBody?: string | Buffer;
	headers?: Record<string, string>;
}

export async function http(baseUrl: string, path: string, opts: HttpOptions = {}): Promise<HttpResult> {
	const headers: Record<string, string> = { ...opts.headers };
	if (opts.token) headers.authorization = `Bearer ${opts.token}`;
	let body: string | Buffer | undefined;
	if (opts.rawBody !== undefined) body = opts.rawBody;
	else if (opts.body !== undefined) body = JSON.stringify(opts.body);
	if (body !== undefined && !headers["content-type"]) headers["content-type"] = "application/json";
	const res = await fetch(baseUrl + path, { method: opts.method ?? "GET", headers, body });
	const text = await res.text();
	let json: any = undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
	if ((res.headers.get("content-type") ?? "").includes("application/json") && text) json = JSON.parse(text);

	expect(res.headers.get("x-request-id") ?? "", `X-Request-Id on ${opts.method ?? "GET"} ${path}`).to.match(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/);
	if (res.status >= 400) {
		expect(text).to.not.match(/stack/i);
		expect(json, `error body of ${path}`).to.be.an("object");
		expect(json).to.include.keys("name", "message", "code", "type");
		expect(json.code).to.equal(res.status);
	}
	return { status: res.status, headers: res.headers, text, json };
}
