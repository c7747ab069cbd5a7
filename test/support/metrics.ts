/** Reading a node's Prometheus /metrics in tests. */
import type { Stack } from "./stack";

/** The value of one labelled sample in a Prometheus text exposition (0 when absent). */
export function sample(text: string, name: string, labels: Record<string, string>): number {
	const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
	for (const line of text.split("\n")) {
		if (!line.startsWith(`${name}{`)) continue;
		const inner = line.slice(name.length + 1, line.indexOf("}"));
		if (want.every(w => inner.split(",").includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
	}
	return 0;
}

/** The metrics text of the node running `service`. */
export async function scrape(stack: Stack, service: string): Promise<string> {
	return (await fetch(`http://127.0.0.1:${stack.healthPortOf(service)}/metrics`)).text();
}
