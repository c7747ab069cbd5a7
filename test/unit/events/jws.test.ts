import { expect } from "chai";
import { createHmac, createVerify, generateKeyPairSync } from "node:crypto";
import jwt from "jsonwebtoken";
import { parseCompact, signCompact, verifySignature } from "../../../services/events/rules/jws";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const other = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pem = publicKey.export({ type: "spki", format: "pem" }).toString();

describe("events rules: compact JWS (RS256)", () => {
	const code = signCompact("kid-1", { t: "abc", nbf: 1, exp: 4_000_000_000 }, privateKey);

	it("has exactly alg and kid in its header and verifies with node:crypto alone", () => {
		const [h, p, s] = code.split(".");
		expect(JSON.parse(Buffer.from(h, "base64url").toString())).to.deep.equal({ alg: "RS256", kid: "kid-1" });
		expect(JSON.parse(Buffer.from(p, "base64url").toString())).to.deep.equal({ t: "abc", nbf: 1, exp: 4_000_000_000 });
		expect(createVerify("RSA-SHA256").update(`${h}.${p}`).verify(pem, Buffer.from(s, "base64url"))).to.equal(true);
	});

	it("verifies with a standard JWT library and the public key", () => {
		const decoded = jwt.verify(code, pem, { algorithms: ["RS256"], complete: true });
		expect(decoded.header).to.deep.equal({ alg: "RS256", kid: "kid-1" });
	});

	it("refuses another key, a changed byte, another algorithm, and junk", () => {
		const parsed = parseCompact(code)!;
		expect(verifySignature(parsed, publicKey)).to.equal(true);
		expect(verifySignature(parsed, other.publicKey)).to.equal(false);
		for (const i of [3, code.indexOf(".") + 5, code.length - 10]) {
			const flipped = code.slice(0, i) + (code[i] === "A" ? "B" : "A") + code.slice(i + 1);
			const p = parseCompact(flipped);
			expect(p === null || !verifySignature(p, publicKey), `byte ${i}`).to.equal(true);
		}
		const [, payload] = code.split(".");
		const noneHeader = Buffer.from(JSON.stringify({ alg: "none", kid: "kid-1" })).toString("base64url");
		expect(parseCompact(`${noneHeader}.${payload}.`)).to.equal(null);
		const hsHeader = Buffer.from(JSON.stringify({ alg: "HS256", kid: "kid-1" })).toString("base64url");
		const hsSig = createHmac("sha256", pem).update(`${hsHeader}.${payload}`).digest("base64url");
		expect(parseCompact(`${hsHeader}.${payload}.${hsSig}`)).to.equal(null);
		expect(parseCompact("a.b")).to.equal(null);
		expect(parseCompact("a.b.c.d")).to.equal(null);
		expect(parseCompact(`${code}=`)).to.equal(null);
		expect(parseCompact("x".repeat(5000))).to.equal(null);
		expect(parseCompact(undefined)).to.equal(null);
	});
});
