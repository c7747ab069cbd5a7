/**
 * Which services this node runs. Each domain lives in services/<name>/ with
 * its public surface in services/<name>/<name>.service.(ts|js); SERVICES picks
 * by folder name, and no SERVICES means every domain.
 */
import fs from "node:fs";
import path from "node:path";
import { ConfigError } from "../config";

export const SERVICES_ROOT = path.resolve(__dirname, "..", "..", "services");

export function serviceFile(root: string, name: string): string | null {
	for (const ext of [".ts", ".js"]) {
		const file = path.join(root, name, `${name}.service${ext}`);
		if (fs.existsSync(file) && !file.endsWith(".d.ts")) return file;
	}
	return null;
}

export function availableServices(root = SERVICES_ROOT): string[] {
	if (!fs.existsSync(root)) return [];
	return fs
		.readdirSync(root, { withFileTypes: true })
		.filter(d => d.isDirectory() && serviceFile(root, d.name))
		.map(d => d.name)
		.sort();
}

/** Absolute service files for the selection; an unknown name stops start-up. */
export function resolveServiceFiles(selection: string[] | null, root = SERVICES_ROOT): string[] {
	const available = availableServices(root);
	const names = selection ?? available;
	return names.map(name => {
		const file = serviceFile(root, name);
		if (!file) throw new ConfigError("SERVICES", `names unknown service "${name}" (available: ${available.join(", ")})`);
		return file;
	});
}
