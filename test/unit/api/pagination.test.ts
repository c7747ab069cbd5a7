import { expect } from "chai";
import { decodeCursor, DEFAULT_PAGE_LIMIT, encodeCursor, MAX_PAGE_LIMIT, pageLimit, readPage, toPage } from "../../../lib/pagination";

function errorOf(fn: () => unknown): { code?: number; type?: string } {
	try {
		fn();
	} catch (err) {
		return err as { code?: number; type?: string };
	}
	throw new Error("expected an error");
}

describe("pagination", () => {
	it("round-trips a position through an opaque base64url cursor", () => {
		const position = ["2026-01-01T00:00:00.000Z", "01a2-id"];
		const cursor = encodeCursor(position);
		expect(cursor).to.match(/^[A-Za-z0-9_-]+$/);
		expect(cursor).to.not.include("2026");
		expect(decodeCursor(cursor)).to.deep.equal(position);
	});

	it("refuses a cursor it did not make with 400 INVALID_CURSOR", () => {
		for (const bad of ["%%%", "not json at all".replace(/ /g, "_"), "x".repeat(600)]) {
			expect(errorOf(() => decodeCursor(bad))).to.include({ code: 400, type: "INVALID_CURSOR" });
		}
	});

	it("defaults the limit to 20, caps it at 100 and refuses nonsense", () => {
		expect(pageLimit(undefined)).to.equal(DEFAULT_PAGE_LIMIT);
		expect(pageLimit("5")).to.equal(5);
		expect(pageLimit(1000)).to.equal(MAX_PAGE_LIMIT);
		expect(errorOf(() => pageLimit(0))).to.include({ code: 400 });
		expect(errorOf(() => pageLimit("2.5"))).to.include({ code: 400 });
	});

	it("builds { items, nextCursor } from limit + 1 rows", () => {
		const rows = [{ id: 1 }, { id: 2 }, { id: 3 }];
		const page = toPage(rows, 2, r => r.id);
		expect(page.items).to.deep.equal([{ id: 1 }, { id: 2 }]);
		expect(decodeCursor(page.nextCursor!)).to.equal(2);
		expect(toPage(rows.slice(0, 2), 2, r => r.id)).to.deep.equal({ items: [{ id: 1 }, { id: 2 }], nextCursor: null });
	});

	it("reads cursor and limit from action params", () => {
		expect(readPage({})).to.deep.equal({ limit: 20, after: null });
		expect(readPage<number>({ cursor: encodeCursor(7), limit: 3 })).to.deep.equal({ limit: 3, after: 7 });
	});
});
