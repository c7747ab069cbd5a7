/* global process */
// After tsc: copy the non-TypeScript files the code reads at run time (data lists, templates)
// into dist/, next to the compiled modules that read them by relative path.
import fs from "node:fs";
import path from "node:path";

const roots = ["services", "simulators", "lib", "migrations"];
const skip = new Set([".ts", ".md"]);
let copied = 0;
function walk(dir) {
	for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full);
		else if (!skip.has(path.extname(entry.name))) {
			const target = path.join("dist", full);
			fs.mkdirSync(path.dirname(target), { recursive: true });
			fs.copyFileSync(full, target);
			copied++;
		}
	}
}
for (const root of roots) if (fs.existsSync(root)) walk(root);
process.stdout.write(`copied ${copied} asset file(s) into dist/\n`);
