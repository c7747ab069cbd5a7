/**
 * Live cards of embeds (API.md Message `embed.card`): products and events
 * from their domains' public card actions, orders from
 * `commerce.orderCards`, which shows an order only to its buyer and seller.
 * An order card is asked in the name of the member who embedded it: sharing
 * your own order in a conversation shows it to that conversation, and
 * embedding someone else's order shows nothing. Cards are display data: a
 * domain that cannot answer leaves `card: null`, never a failed read.
 */
import type { ServiceBroker } from "moleculer";
import type { EmbedType } from "../rules/message-input";
import { MessagesError } from "../errors";

export type Card = Record<string, unknown>;

interface Embedded {
	embed: { type: string; id: string } | null;
	senderId: string;
	deletedAt: Date | null;
}

const ACTIONS: Record<EmbedType, string> = { product: "commerce.productCards", event: "events.eventCards", order: "commerce.orderCards" };

const unreachable = (err: unknown) => {
	const e = err as { type?: string; code?: number };
	return ["SERVICE_NOT_FOUND", "SERVICE_NOT_AVAILABLE", "REQUEST_TIMEOUT"].includes(e.type ?? "") || e.code === 503 || e.code === 504;
};

/** Cards keyed `type:id:senderId` (orders) or `type:id` (public cards). */
export function cardKey(embed: { type: string; id: string }, senderId: string): string {
	return embed.type === "order" ? `order:${embed.id}:${senderId}` : `${embed.type}:${embed.id}`;
}

async function ask(broker: ServiceBroker, type: EmbedType, ids: string[], viewerId?: string): Promise<Record<string, Card>> {
	return broker.call<Record<string, Card>, object>(ACTIONS[type], viewerId ? { ids, viewerId } : { ids });
}

export async function embedCards(broker: ServiceBroker, rows: readonly Embedded[], log: { warn(...a: unknown[]): void }): Promise<Map<string, Card>> {
	const out = new Map<string, Card>();
	const live = rows.filter(r => r.embed && !r.deletedAt);
	const publicIds = new Map<EmbedType, Set<string>>();
	const ordersBySender = new Map<string, Set<string>>();
	for (const r of live) {
		const { type, id } = r.embed!;
		if (type === "order") ordersBySender.set(r.senderId, (ordersBySender.get(r.senderId) ?? new Set()).add(id));
		else publicIds.set(type as EmbedType, (publicIds.get(type as EmbedType) ?? new Set()).add(id));
	}
	const calls: Promise<void>[] = [];
	for (const [type, ids] of publicIds)
		calls.push(
			ask(broker, type, [...ids]).then(res => {
				for (const [id, card] of Object.entries(res ?? {})) out.set(`${type}:${id}`, card);
			})
		);
	for (const [senderId, ids] of ordersBySender)
		calls.push(
			ask(broker, "order", [...ids], senderId).then(res => {
				for (const [id, card] of Object.entries(res ?? {})) out.set(`order:${id}:${senderId}`, card);
			})
		);
	const results = await Promise.allSettled(calls);
	for (const r of results) if (r.status === "rejected") log.warn("Embed cards unavailable:", (r.reason as Error).message);
	return out;
}

/** At send: the embed must exist and, for an order, be the sender's own (as buyer or seller). */
export async function checkEmbed(broker: ServiceBroker, embed: { type: EmbedType; id: string }, senderId: string): Promise<void> {
	let res: Record<string, Card>;
	try {
		res = await ask(broker, embed.type, [embed.id], embed.type === "order" ? senderId : undefined);
	} catch (err) {
		if (unreachable(err)) throw MessagesError.embedUnavailable(embed.type);
		throw err;
	}
	if (!res?.[embed.id]) throw MessagesError.embedNotFound(embed.type, embed.id);
}
