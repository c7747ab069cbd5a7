/**
 * Event cards for other domains (social embeds, chats): `events.eventCards
 * { ids }` → Record<id, card>, the shape services/social/peers.ts reads
 * (`price` is the lowest open ticket price, also given as `lowestPrice`).
 * Drafts have no card: they are nobody's to embed.
 */
import type { EventsRuntime } from "../runtime";
import { coverViews } from "../peers";
import { getEvents } from "../store/events";
import { ticketTypesOf } from "../store/ticket-types";
import { lowestPrice, placeOf, ticketsLeft } from "./views";

export interface EventCard {
	id: string;
	title: string;
	imageUrl: string | null;
	blurhash: string | null;
	startsAt: string;
	place: string;
	lowestPrice: number | null;
	price?: number;
	currency: string | null;
	ticketsLeft: number;
	organizerId: string;
	status: string;
}

export async function eventCards(rt: EventsRuntime, ids: readonly string[]): Promise<Record<string, EventCard>> {
	const rows = (await getEvents({ sequelize: rt.sequelize }, [...new Set(ids.map(id => id.toLowerCase()))])).filter(e => e.status !== "draft");
	const [types, covers] = await Promise.all([
		ticketTypesOf({ sequelize: rt.sequelize }, rows.map(r => r.id)),
		coverViews(rt.broker, rows.map(r => r.cover_file_id).filter((id): id is string => !!id), rt.logger)
	]);
	const out: Record<string, EventCard> = {};
	for (const e of rows) {
		const own = types.filter(t => t.event_id === e.id);
		const lowest = lowestPrice(own);
		const cover = e.cover_file_id ? covers.get(e.cover_file_id) : undefined;
		const live = e.status === "published" || e.status === "happening";
		out[e.id] = {
			id: e.id,
			title: e.title,
			imageUrl: cover?.url ?? null,
			blurhash: cover?.blurhash ?? null,
			startsAt: e.starts_at.toISOString(),
			place: placeOf(e),
			lowestPrice: lowest?.price ?? null,
			...(lowest ? { price: lowest.price } : {}),
			currency: lowest?.currency ?? null,
			ticketsLeft: live ? ticketsLeft(own) : 0,
			organizerId: e.organizer_id,
			status: e.status
		};
	}
	return out;
}
