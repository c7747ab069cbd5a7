/** Runs an operators' REPL command against the stack and returns what it printed. */
import { replCommands } from "../../lib/repl/commands";
import type { Stack } from "./stack";

export async function runReplCommand(stack: Stack, name: string, args: Record<string, unknown> = {}): Promise<string> {
	const cmd = replCommands({ config: stack.config }).find(c => c.command.split(" ")[0] === name);
	if (!cmd) throw new Error(`no REPL command ${name}`);
	const lines: string[] = [];
	const orig = { log: console.log, table: console.table };
	console.log = (...a: unknown[]) => lines.push(a.map(String).join(" "));
	console.table = (rows: unknown) => lines.push(JSON.stringify(rows));
	try {
		await cmd.action(stack.broker, { ...args, options: (args.options as Record<string, unknown>) ?? {} });
	} finally {
		Object.assign(console, orig);
	}
	return lines.join("\n");
}
