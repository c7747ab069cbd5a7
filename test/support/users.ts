/**
 * Test users, made the way a client app makes them: register through the
 * REST API, read the code from the SMS (or email) simulator's inbox, verify.
 * Each user registers from its own loopback source address so per-address
 * limits of one test never spill into another.
 */
import http from "node:http";
import crypto from "node:crypto";
import { newId } from "../../lib/ids";
import type { Stack } from "./stack";
import { waitFor } from "./wait";

export interface TestUser {
	userId: string;
	sessionId: string;
	accessToken: string;
	refreshToken: string;
	password: string;
	phone: string | null;
	email: string | null;
	/** When the account was ready: simulator inbox queries with `since=readyAt` skip its registration code. */
	readyAt: string;
	/** `{ Authorization: "Bearer …" }` */
	headers: Record<string, string>;
}

export interface NewUser {
	phone?: string;
	email?: string;
	displayName?: string;
	language?: "en" | "sw";
}

let counter = 0;
let addressCounter = 0;

/** A unique Tanzanian mobile number for this run. */
export function uniquePhone(): string {
	counter += 1;
	const n = (Date.now() % 1_000_000) * 100 + (counter % 100);
	return `+2557${String(n).padStart(8, "0").slice(-8)}`;
}

export function uniqueEmail(): string {
	return `user-${newId()}@example.test`;
}

/** A loopback source address of its own (Linux routes all of 127/8 to loopback). */
function nextAddress(): string {
	addressCounter += 1;
	return `127.20.${Math.floor(addressCounter / 250) % 250}.${(addressCounter % 250) + 1}`;
}

function post(baseUrl: string, path: string, body: unknown, localAddress: string): Promise<{ status: number; json: Record<string, unknown> }> {
	const url = new URL(path, baseUrl);
	const data = JSON.stringify(body);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: url.hostname, port: url.port, path: url.pathname, method: "POST", localAddress, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
			res => {
				const chunks: Buffer[] = [];
				res.on("data", c => chunks.push(c));
				res.on("end", () => {
					const text = Buffer.concat(chunks).toString("utf8");
					resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : {} });
				});
			}
		);
		req.on("error", reject);
		req.end(data);
	});
}

/** The newest 6-digit code the simulator delivered to this phone or mailbox. */
export async function latestCode(stack: Stack, destination: string): Promise<string> {
	const box = destination.includes("@") ? "email" : "sms";
	return waitFor(
		async () => {
			const res = await fetch(`${stack.apiUrl}/sim/${box}/messages?to=${encodeURIComponent(destination)}`);
			const { items } = (await res.json()) as { items: Array<{ text?: string; subject?: string }> };
			const last = items[items.length - 1];
			return last ? (`${last.subject ?? ""} ${last.text ?? ""}`.match(/(?<!\d)\d{6}(?!\d)/) ?? [])[0] : undefined;
		},
		`a code delivered to ${destination}`,
		20_000,
		100
	);
}

function claims(token: string): { sub: string; sid: string } {
	return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

export async function createUser(stack: Stack, opts: NewUser = {}): Promise<TestUser> {
	const phone = opts.phone ?? (opts.email ? null : uniquePhone());
	const email = opts.email ?? null;
	const identifier = (phone ?? email)!;
	const password = `Kilima-${crypto.randomBytes(6).toString("hex")}`;
	const from = nextAddress();
	const reg = await post(
		stack.apiUrl,
		"/api/v1/auth/register",
		{ ...(phone ? { phone } : { email }), password, displayName: opts.displayName ?? "Test User", language: opts.language },
		from
	);
	if (reg.status !== 201) throw new Error(`registration failed: ${reg.status} ${JSON.stringify(reg.json)}`);
	const code = await latestCode(stack, identifier);
	const verified = await post(stack.apiUrl, "/api/v1/auth/verify", { identifier, code, device: { id: `dev-${newId()}`, name: "Test phone", platform: "android" } }, from);
	if (verified.status !== 200) throw new Error(`verification failed: ${verified.status} ${JSON.stringify(verified.json)}`);
	const readyAt = new Date().toISOString();
	const accessToken = String(verified.json.accessToken);
	const { sub, sid } = claims(accessToken);
	return {
		userId: sub,
		sessionId: sid,
		accessToken,
		refreshToken: String(verified.json.refreshToken),
		password,
		phone,
		email,
		readyAt,
		headers: { Authorization: `Bearer ${accessToken}` }
	};
}
