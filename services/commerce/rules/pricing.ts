/**
 * Cart pricing, pure (issue 8 items 5 and 6). Money is integer minor units.
 *
 * A cart line remembers the unit price the buyer last saw; checkout compares
 * it with the live price and availability and refuses with the list of
 * changes rather than charging a price the buyer never saw (the buyer's next
 * look at the cart shows the new prices, and a repeated checkout goes through).
 */

export interface CartLine {
	itemId: string;
	productId: string;
	variantId: string;
	shopId: string;
	sellerId: string;
	title: string;
	quantity: number;
	/** Unit price the buyer last saw (when adding, or the last cart read). */
	seenPrice: number;
	/** Live unit price of the variant. */
	price: number;
	currency: string;
	/** Live stock that can still be sold. */
	stock: number;
	/** The product is active, its shop active and the variant not deleted. */
	purchasable: boolean;
}

export type ChangeKind = "price_changed" | "unavailable" | "insufficient_stock";

export interface CartChange {
	itemId: string;
	productId: string;
	variantId: string;
	kind: ChangeKind;
	/** price_changed: the price seen and the price now. */
	before?: number;
	after?: number;
	/** insufficient_stock: how many can still be bought. */
	available?: number;
}

/** What changed since the buyer last looked: unavailable first wins over the other kinds for a line. */
export function cartChanges(lines: readonly CartLine[]): CartChange[] {
	const changes: CartChange[] = [];
	for (const l of lines) {
		const base = { itemId: l.itemId, productId: l.productId, variantId: l.variantId };
		if (!l.purchasable || l.stock <= 0) changes.push({ ...base, kind: "unavailable" });
		else if (l.stock < l.quantity) changes.push({ ...base, kind: "insufficient_stock", available: l.stock });
		if (l.purchasable && l.price !== l.seenPrice) changes.push({ ...base, kind: "price_changed", before: l.seenPrice, after: l.price });
	}
	return changes;
}

export interface ShopGroup {
	shopId: string;
	sellerId: string;
	currency: string;
	lines: CartLine[];
	subtotal: number;
	deliveryFee: number;
	total: number;
}

export function lineTotal(price: number, quantity: number): number {
	const v = price * quantity;
	if (!Number.isSafeInteger(v)) throw new RangeError("line total out of range");
	return v;
}

/**
 * One group per shop, in the order the shops first appear in the cart, with
 * the shop's delivery fee once per group. A shop without a known fee delivers for free.
 */
export function splitByShop(lines: readonly CartLine[], deliveryFees: ReadonlyMap<string, number>): ShopGroup[] {
	const groups = new Map<string, ShopGroup>();
	for (const l of lines) {
		let g = groups.get(l.shopId);
		if (!g) {
			const fee = deliveryFees.get(l.shopId) ?? 0;
			g = { shopId: l.shopId, sellerId: l.sellerId, currency: l.currency, lines: [], subtotal: 0, deliveryFee: fee, total: fee };
			groups.set(l.shopId, g);
		}
		const amount = lineTotal(l.price, l.quantity);
		g.lines.push(l);
		g.subtotal += amount;
		g.total += amount;
		if (!Number.isSafeInteger(g.total)) throw new RangeError("order total out of range");
	}
	return [...groups.values()];
}

export type Totals = { ok: true; currency: string; total: number } | { ok: false; code: "MIXED_CURRENCIES"; currencies: string[] } | { ok: false; code: "CART_EMPTY" };

/** One payment carries every order: they must share a currency. */
export function checkoutTotal(groups: readonly ShopGroup[]): Totals {
	if (!groups.length) return { ok: false, code: "CART_EMPTY" };
	const currencies = [...new Set(groups.flatMap(g => g.lines.map(l => l.currency)))].sort();
	if (currencies.length > 1) return { ok: false, code: "MIXED_CURRENCIES", currencies };
	const total = groups.reduce((sum, g) => sum + g.total, 0);
	if (!Number.isSafeInteger(total)) throw new RangeError("checkout total out of range");
	return { ok: true, currency: currencies[0], total };
}
