/**
 * Operators' commands in the Moleculer REPL (`npm run repl`). Each is a thin
 * shell over a library function, so tests exercise the same code.
 */
import type { ServiceBroker } from "moleculer";
import type { NodeHandle } from "../node/bootstrap";
import { redactConfig } from "../config";
import { listDeadLetters, retryDeadLetters } from "../events/dead-letters";

interface ReplCommand {
	command: string;
	description: string;
	alias?: string[];
	options?: Array<{ option: string; description: string }>;
	action(broker: unknown, args: Record<string, unknown> & { options: Record<string, unknown> }): Promise<void>;
}

export function replCommands(node: Pick<NodeHandle, "config">): ReplCommand[] {
	return [
		{
			command: "node-config",
			description: "Show this node's configuration (secrets masked)",
			async action() {
				console.log(JSON.stringify(redactConfig(node.config), null, 2));
			}
		},
		{
			command: "dead-letters",
			description: "List dead-lettered event deliveries",
			options: [{ option: "-l, --limit <n>", description: "how many (default 50)" }],
			async action(_b, args) {
				const rows = await listDeadLetters(node.config, Number(args.options.limit ?? 50));
				console.table(rows.map(r => ({ id: r.id, channel: r.channel, group: r.group, attempts: r.attempts, error: r.error })));
			}
		},
		{
			command: "dead-letters-retry [filter]",
			description: "Re-queue dead letters (all, or those whose event type contains the filter)",
			async action(_b, args) {
				const n = await retryDeadLetters(node.config, args.filter ? String(args.filter) : undefined);
				console.log(`Re-queued ${n} message(s).`);
			}
		},
		{
			command: "suspend-user <userId> <adminId> [reason...]",
			description: "Suspend an account in the name of an administrator (its sessions end at once)",
			async action(broker, args) {
				await setAccountStatus(broker as ServiceBroker, "suspend", args);
			}
		},
		{
			command: "reinstate-user <userId> <adminId>",
			description: "Lift a suspension in the name of an administrator",
			async action(broker, args) {
				await setAccountStatus(broker as ServiceBroker, "reinstate", args);
			}
		},
		{
			command: "notifications-dead",
			description: "List notification deliveries (SMS, email, push) whose retries ran out",
			options: [{ option: "-l, --limit <n>", description: "how many (default 50)" }],
			async action(broker, args) {
				const rows = await (broker as ServiceBroker).call<Array<Record<string, unknown>>, { limit: number }>("notifications.deadDeliveries", {
					limit: Number(args.options.limit ?? 50)
				});
				console.table(rows.map(r => ({ id: r.id, channel: r.channel, template: r.template, attempts: r.attempts, error: r.lastError, at: r.updatedAt })));
			}
		},
		{
			command: "ledger-check",
			description: "Prove the payments ledger balances: entries sum to zero, balances match postings, nothing negative that may not be",
			async action(broker) {
				const report = await (broker as ServiceBroker).call<{ ok: boolean }, object>("payments.ledgerCheck", {});
				console.log(JSON.stringify(report, null, 2));
			}
		},
		{
			command: "payments-reconciliation",
			description: "Payments mismatch report: flagged intents, unconfirmed callbacks, overdue intents, stuck payouts, ledger breaks",
			async action(broker) {
				const report = await (broker as ServiceBroker).call<{ ok: boolean }, object>("payments.reconciliationReport", {});
				console.log(JSON.stringify(report, null, 2));
			}
		},
		{
			command: "feed-rebuild <userId>",
			description: "Rebuild a user's cached home feed from PostgreSQL (social)",
			async action(broker, args) {
				const r = await (broker as ServiceBroker).call<{ userId: string; entries: number }, object>("social.rebuildFeed", { userId: String(args.userId) });
				console.log(`Home feed of ${r.userId} rebuilt: ${r.entries} entries.`);
			}
		},
		{
			command: "notifications-retry [id]",
			description: "Send dead notification deliveries again (all, or the one with this id)",
			async action(broker, args) {
				const params = args.id ? { ids: [String(args.id)] } : {};
				const r = await (broker as ServiceBroker).call<{ requeued: number }, object>("notifications.retryDeadDeliveries", params);
				console.log(`Re-queued ${r.requeued} deliver${r.requeued === 1 ? "y" : "ies"}.`);
			}
		}
	];
}

async function setAccountStatus(broker: ServiceBroker, action: "suspend" | "reinstate", args: Record<string, unknown>): Promise<void> {
	const reason = Array.isArray(args.reason) ? args.reason.join(" ") : undefined;
	const account = await broker.call<{ id: string; status: string }, object>("auth.operatorSetStatus", {
		userId: String(args.userId),
		by: String(args.adminId),
		action,
		...(reason ? { reason } : {})
	});
	console.log(`Account ${account.id} is ${account.status}.`);
}
