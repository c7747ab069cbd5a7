/**
 * Order cards for chats (messages embeds an order in a conversation): a short
 * summary of each order, shown only to its buyer and seller — an order is
 * private, and a card asked for in anyone else's name is simply absent.
 */
import { pluralTitle } from "../rules/order-card";
import type { CommerceRuntime } from "../runtime";
import { itemsOf, ordersByIds } from "../store/orders";
import { dbOf, shopNames } from "./orders";

export interface OrderCard {
	id: string;
	number: string;
	status: string;
	total: number;
	currency: string;
	itemCount: number;
	/** The first item's title, with how many other lines there are ("Kitenge dress and 2 more"). */
	title: string;
	imageUrl: string | null;
	blurhash: string | null;
	shopId: string;
	shopName: string | null;
}

export async function orderCards(rt: CommerceRuntime, ids: readonly string[], viewerId: string): Promise<Record<string, OrderCard>> {
	const db = dbOf(rt);
	const orders = (await ordersByIds(db, [...new Set(ids.map(id => id.toLowerCase()))])).filter(o => o.buyer_id === viewerId || o.seller_id === viewerId);
	if (!orders.length) return {};
	const items = await itemsOf(db, orders.map(o => o.id));
	const firstImages = orders.map(o => items.get(o.id)?.[0]?.image_file_id ?? null).filter((x): x is string => Boolean(x));
	const [views, shopName] = await Promise.all([rt.peers.views(firstImages), shopNames(db, orders.map(o => o.shop_id))]);
	const out: Record<string, OrderCard> = {};
	for (const o of orders) {
		const lines = items.get(o.id) ?? [];
		const image = lines[0]?.image_file_id ? views.get(lines[0].image_file_id) : undefined;
		out[o.id] = {
			id: o.id,
			number: o.number,
			status: o.status,
			total: Number(o.total),
			currency: o.currency.trim(),
			itemCount: lines.reduce((n, l) => n + l.quantity, 0),
			title: pluralTitle(lines.map(l => l.title)),
			imageUrl: image?.url ?? null,
			blurhash: image?.blurhash ?? null,
			shopId: o.shop_id,
			shopName: shopName.get(o.shop_id) ?? null
		};
	}
	return out;
}
