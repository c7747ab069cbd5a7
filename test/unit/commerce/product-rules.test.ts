/** Pure catalog rules: product input and variants, stock edits, the category tree. */
import { expect } from "chai";
import { buildTree, subtreeIds, type CategoryRow } from "../../../services/commerce/rules/catalog-tree";
import { checkNewProduct, cleanOptions, optionsKey, priceMin, stockAfterEdit } from "../../../services/commerce/rules/product-input";

describe("commerce rules: product input", () => {
	it("a product without variants gets one default variant with its price and stock", () => {
		expect(checkNewProduct({ title: "  Kanga   ya pwani ", price: 150000, stock: 3 }, 50)).to.deep.equal({
			ok: true,
			value: { title: "Kanga ya pwani", description: "", variants: [{ sku: null, options: {}, price: 150000, stock: 3 }] }
		});
	});

	it("variants keep their options, SKU, price and stock", () => {
		const res = checkNewProduct({ title: "Dress", variants: [{ sku: "D-S", options: { Size: " S " }, price: 100, stock: 1 }, { options: { Size: "M" }, price: 90, stock: 0 }] }, 50);
		expect(res.ok && res.value.variants).to.deep.equal([
			{ sku: "D-S", options: { Size: "S" }, price: 100, stock: 1 },
			{ sku: null, options: { Size: "M" }, price: 90, stock: 0 }
		]);
		expect(res.ok && priceMin(res.value.variants)).to.equal(90);
	});

	it("names the first problem", () => {
		const cases: Array<[Parameters<typeof checkNewProduct>[0], string]> = [
			[{ title: "x", price: 1, stock: 1 }, "title"],
			[{ title: "Fine", price: 0, stock: 1 }, "price"],
			[{ title: "Fine", price: 1.5, stock: 1 }, "price"],
			[{ title: "Fine", price: 1, stock: -1 }, "stock"],
			[{ title: "Fine", variants: [{ options: { Size: "M" }, price: 1, stock: 1 }, { options: { SIZE: "m" }, price: 2, stock: 1 }] }, "variants[1].options"],
			[{ title: "Fine", variants: [{ sku: "A", options: { a: "1" }, price: 1, stock: 1 }, { sku: "a", options: { a: "2" }, price: 2, stock: 1 }] }, "variants[1].sku"],
			[{ title: "Fine", variants: [{ options: {}, price: 1, stock: 1 }, { options: { a: "2" }, price: 2, stock: 1 }] }, "variants"],
			[{ title: "Fine", variants: [{ sku: "bad sku!", price: 1, stock: 1 }] }, "variants[0].sku"]
		];
		for (const [input, field] of cases) {
			const res = checkNewProduct(input, 50);
			expect(res.ok, field).to.equal(false);
			if (!res.ok) expect(res.field).to.equal(field);
		}
		const many = checkNewProduct({ title: "Many", variants: [1, 2, 3].map(i => ({ options: { n: String(i) }, price: 1, stock: 1 })) }, 2);
		expect(many.ok).to.equal(false);
	});

	it("option sets compare without case and order", () => {
		expect(optionsKey({ Size: "M", Colour: "Red" })).to.equal(optionsKey({ colour: "red", size: "m" }));
		expect(() => cleanOptions({ Size: "M", size: "L" }, "o")).to.throw();
		expect(() => cleanOptions({ a: "1", b: "2", c: "3", d: "4", e: "5", f: "6" }, "o")).to.throw();
	});
});

describe("commerce rules: stock edits", () => {
	it("a set is what is on the shelf unsold: units held by unpaid orders are subtracted", () => {
		expect(stockAfterEdit(8, 2, { stock: 15 })).to.deep.equal({ ok: true, stock: 13 });
		expect(stockAfterEdit(8, 0, { stock: 0 })).to.deep.equal({ ok: true, stock: 0 });
		expect(stockAfterEdit(1, 3, { stock: 2 })).to.deep.equal({ ok: false, available: 1 });
	});

	it("an adjustment is relative and never goes below zero", () => {
		expect(stockAfterEdit(5, 9, { stockDelta: 3 })).to.deep.equal({ ok: true, stock: 8 });
		expect(stockAfterEdit(5, 0, { stockDelta: -5 })).to.deep.equal({ ok: true, stock: 0 });
		expect(stockAfterEdit(5, 0, { stockDelta: -6 })).to.deep.equal({ ok: false, available: 5 });
	});
});

describe("commerce rules: category tree", () => {
	const rows: CategoryRow[] = [
		{ id: "a", parent_id: null, slug: "fashion", name: "Fashion", name_sw: "Mitindo", position: 1 },
		{ id: "b", parent_id: "a", slug: "shoes", name: "Shoes", name_sw: "Viatu", position: 1 },
		{ id: "c", parent_id: "a", slug: "kitenge", name: "Kitenge", name_sw: "Vitenge", position: 0 },
		{ id: "d", parent_id: "c", slug: "wax", name: "Wax", name_sw: "Wax", position: 0 },
		{ id: "e", parent_id: null, slug: "food", name: "Food", name_sw: "Chakula", position: 0 }
	];

	it("nests children in position order", () => {
		const tree = buildTree(rows);
		expect(tree.map(n => n.slug)).to.deep.equal(["food", "fashion"]);
		expect(tree[1].children.map(n => n.slug)).to.deep.equal(["kitenge", "shoes"]);
		expect(tree[1].children[0].children[0]).to.deep.equal({ id: "d", slug: "wax", name: "Wax", nameSw: "Wax", children: [] });
	});

	it("a category's subtree includes every descendant; unknown ids give nothing", () => {
		expect(subtreeIds(rows, "a").sort()).to.deep.equal(["a", "b", "c", "d"]);
		expect(subtreeIds(rows, "b")).to.deep.equal(["b"]);
		expect(subtreeIds(rows, "zzz")).to.deep.equal([]);
	});
});
