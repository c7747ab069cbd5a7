import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");

/** Platform config plus each domain's own config module (services/<domain>/config.ts). */
function configModules(): string[] {
	const services = path.join(root, "services");
	const domainConfigs = fs
		.readdirSync(services)
		.map(d => path.join(services, d, "config.ts"))
		.filter(f => fs.existsSync(f));
	return [path.join(root, "lib/config/env.ts"), ...domainConfigs];
}

/** Variable names the config modules read: every `(env, "NAME"` call. */
function variablesRead(): string[] {
	const src = configModules().map(f => fs.readFileSync(f, "utf8")).join("\n");
	return [...new Set([...src.matchAll(/\(env, "([A-Z0-9_]+)"/g)].map(m => m[1]))].sort();
}

describe("docs/configuration.md", () => {
	it("documents every variable the platform reads", () => {
		const doc = fs.readFileSync(path.join(root, "docs/configuration.md"), "utf8");
		const vars = variablesRead();
		expect(vars.length).to.be.greaterThan(20);
		const missing = vars.filter(v => !doc.includes(`\`${v}\``));
		expect(missing, "undocumented variables").to.deep.equal([]);
	});
});
