/**
 * Where the simulators run: beside the gateway (their HTTP endpoints are
 * mounted on its port under /sim, and their inboxes must be one per platform),
 * or in the one process of the embedded shape. Never when SIMULATORS is off,
 * which the configuration enforces in production.
 */
import fs from "node:fs";
import path from "node:path";
import type { PlatformConfig } from "../lib/config";

export function simulatorServiceFiles(cfg: Pick<PlatformConfig, "simulatorsEnabled" | "transporter">, selection: string[] | null): string[] {
	if (!cfg.simulatorsEnabled) return [];
	const gatewayHere = selection === null || selection.includes("api");
	if (cfg.transporter && !gatewayHere) return [];
	const file = [".ts", ".js"].map(ext => path.join(__dirname, `simulators.service${ext}`)).find(f => fs.existsSync(f));
	return file ? [file] : [];
}
