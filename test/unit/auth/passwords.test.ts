import { expect } from "chai";
import { ConfigError } from "../../../lib/config/env";
import { loadAuthConfig } from "../../../services/auth/config";
import { CURRENT_PARAMS, hashPassword, needsRehash, verifyPassword } from "../../../services/auth/rules/password-hash";
import { checkPassword, commonPasswords } from "../../../services/auth/rules/password-policy";

describe("auth rules: password policy", () => {
	it("ships a common-password list of a few thousand lowercase entries", () => {
		const list = commonPasswords();
		expect(list.size).to.be.within(3000, 20_000);
		for (const p of ["123456", "password", "qwerty123", "iloveyou", "simba123", "yanga2024", "tanzania1"]) expect(list.has(p), p).to.equal(true);
		expect([...list].every(p => p === p.toLowerCase())).to.equal(true);
	});

	it("refuses short, long, common (any case), repetitive and personal passwords", () => {
		expect(checkPassword("short1")).to.deep.equal(["TOO_SHORT"]);
		expect(checkPassword("x".repeat(129) + "yz")).to.include("TOO_LONG");
		expect(checkPassword("Password123")).to.deep.equal(["COMMON"]);
		expect(checkPassword("QWERTYUIOP")).to.deep.equal(["COMMON"]);
		expect(checkPassword("abababababab")).to.deep.equal(["REPETITIVE"]);
		expect(checkPassword("my712345678pin", { phone: "+255712345678" })).to.deep.equal(["CONTAINS_PERSONAL_DATA"]);
		expect(checkPassword("mwinyi-secret-9", { displayName: "Asha Mwinyi" })).to.deep.equal(["CONTAINS_PERSONAL_DATA"]);
		expect(checkPassword("ashamwinyi!2", { email: "ashamwinyi@mail.com" })).to.deep.equal(["CONTAINS_PERSONAL_DATA"]);
	});

	it("accepts long passphrases without composition rules, counting code points", () => {
		expect(checkPassword("mvua ya masika inanyesha")).to.deep.equal([]);
		expect(checkPassword("Kilima-9f3a1c2b")).to.deep.equal([]);
		expect(checkPassword("😀😀😀😀ab😀😀")).to.deep.equal([]);
	});
});

describe("auth rules: password hashing (scrypt)", function () {
	this.timeout(20_000);

	it("hashes with the measured parameters, verifies, and refuses a wrong password", async () => {
		const hash = await hashPassword("correct horse battery");
		expect(hash).to.match(new RegExp(`^scrypt\\$${CURRENT_PARAMS.N}\\$${CURRENT_PARAMS.r}\\$${CURRENT_PARAMS.p}\\$`));
		expect(await verifyPassword("correct horse battery", hash)).to.equal(true);
		expect(await verifyPassword("correct horse batterY", hash)).to.equal(false);
		expect(needsRehash(hash)).to.equal(false);
	});

	it("salts every hash and treats canonically equal Unicode as the same password", async () => {
		const a = await hashPassword("café au lait");
		const b = await hashPassword("café au lait");
		expect(a).to.not.equal(b);
		expect(await verifyPassword("cafe\u0301 au lait", a)).to.equal(true);
	});

	it("verifies hashes made with older parameters and flags them for rehashing; malformed hashes never match", async () => {
		const old = await hashPassword("older parameters", { N: 2 ** 10, r: 8, p: 1 });
		expect(await verifyPassword("older parameters", old)).to.equal(true);
		expect(needsRehash(old)).to.equal(true);
		expect(await verifyPassword("x", "plaintext")).to.equal(false);
		expect(await verifyPassword("x", "scrypt$a$b$c$d$e")).to.equal(false);
	});
});

describe("auth config: scrypt cost of new password hashes", () => {
	const platform = (nodeEnv: "development" | "test" | "production") => ({ nodeEnv, dataDir: "/tmp/nexgate-auth-config-test", publicUrl: "http://localhost:3000" });
	const kek = { AUTH_KEY_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") };

	it("uses the measured standard by default, a cheap N in tests, and the configured power of two", () => {
		expect(loadAuthConfig(platform("development"), kek).passwordHash).to.deep.equal(CURRENT_PARAMS);
		expect(loadAuthConfig(platform("production"), kek).passwordHash).to.deep.equal(CURRENT_PARAMS);
		expect(loadAuthConfig(platform("test"), kek).passwordHash).to.deep.equal({ ...CURRENT_PARAMS, N: 1024 });
		expect(loadAuthConfig(platform("development"), { ...kek, AUTH_PASSWORD_SCRYPT_N: "65536" }).passwordHash.N).to.equal(65536);
	});

	it("refuses an N that is not a power of two, or below the standard in production", () => {
		expect(() => loadAuthConfig(platform("development"), { ...kek, AUTH_PASSWORD_SCRYPT_N: "3000" })).to.throw(ConfigError, /power of two/);
		expect(() => loadAuthConfig(platform("production"), { ...kek, AUTH_PASSWORD_SCRYPT_N: "1024" })).to.throw(ConfigError, /at least 32768/);
	});
});
