import { expect } from "chai";
import { cartChanges, checkoutTotal, splitByShop, type CartLine } from "../../../services/commerce/rules/pricing";

let n = 0;
function line(p: Partial<CartLine> = {}): CartLine {
	n += 1;
	return { itemId: `i${n}`, productId: `p${n}`, variantId: `v${n}`, shopId: "s1", sellerId: "u1", title: `Item ${n}`, quantity: 1, seenPrice: 1000, price: 1000, currency: "KES", stock: 10, purchasable: true, ...p };
}

describe("commerce rules: pricing", () => {
	it("reports nothing when prices and stock are as the buyer saw them", () => {
		expect(cartChanges([line(), line({ quantity: 10 })])).to.deep.equal([]);
	});

	it("reports price changes with before and after, short stock with what is left, and unavailable lines", () => {
		const up = line({ seenPrice: 1000, price: 1200 });
		const short = line({ quantity: 5, stock: 2 });
		const gone = line({ purchasable: false });
		const sold = line({ stock: 0 });
		const changes = cartChanges([up, short, gone, sold]);
		expect(changes).to.deep.equal([
			{ itemId: up.itemId, productId: up.productId, variantId: up.variantId, kind: "price_changed", before: 1000, after: 1200 },
			{ itemId: short.itemId, productId: short.productId, variantId: short.variantId, kind: "insufficient_stock", available: 2 },
			{ itemId: gone.itemId, productId: gone.productId, variantId: gone.variantId, kind: "unavailable" },
			{ itemId: sold.itemId, productId: sold.productId, variantId: sold.variantId, kind: "unavailable" }
		]);
	});

	it("splits by shop in cart order with each shop's delivery fee once", () => {
		const a1 = line({ shopId: "a", sellerId: "ua", price: 500, seenPrice: 500, quantity: 3 });
		const b1 = line({ shopId: "b", sellerId: "ub", price: 2000, seenPrice: 2000 });
		const a2 = line({ shopId: "a", sellerId: "ua", price: 100, seenPrice: 100, quantity: 2 });
		const groups = splitByShop([a1, b1, a2], new Map([["a", 300]]));
		expect(groups.map(g => [g.shopId, g.sellerId, g.subtotal, g.deliveryFee, g.total, g.lines.length])).to.deep.equal([
			["a", "ua", 1700, 300, 2000, 2],
			["b", "ub", 2000, 0, 2000, 1]
		]);
		expect(checkoutTotal(groups)).to.deep.equal({ ok: true, currency: "KES", total: 4000 });
	});

	it("refuses an empty cart, mixed currencies and totals beyond safe integers", () => {
		expect(checkoutTotal([])).to.deep.equal({ ok: false, code: "CART_EMPTY" });
		const groups = splitByShop([line({ shopId: "a" }), line({ shopId: "b", currency: "TZS" })], new Map());
		expect(checkoutTotal(groups)).to.deep.equal({ ok: false, code: "MIXED_CURRENCIES", currencies: ["KES", "TZS"] });
		expect(() => splitByShop([line({ price: Number.MAX_SAFE_INTEGER, quantity: 2 })], new Map())).to.throw(RangeError);
	});
});
