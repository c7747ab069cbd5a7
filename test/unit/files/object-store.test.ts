/** The object store client's failure mapping: an unreachable store is a 503 the caller may retry, never a 500. */
import net from "node:net";
import { expect } from "chai";
import { ObjectStore } from "../../../services/files/store/object-store";

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
	const server = net.createServer();
	await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
	const port = (server.address() as net.AddressInfo).port;
	await new Promise(r => server.close(r));
	return port;
}

describe("files object store", function () {
	this.timeout(20_000);

	it("answers 503 STORAGE_UNAVAILABLE when the store cannot be reached", async () => {
		const store = new ObjectStore({ endpoint: `http://127.0.0.1:${await closedPort()}`, accessKey: "k", secretKey: "s", bucket: "nexgate", region: "us-east-1" }, null);
		for (const attempt of [() => store.size("u/x"), () => store.list("f/x/"), () => store.put("f/x/a", Buffer.from("a"), "text/plain")]) {
			const err = await attempt().then(
				() => null,
				(e: { code?: number; type?: string; retryable?: boolean }) => e
			);
			expect(err).to.include({ code: 503, type: "STORAGE_UNAVAILABLE", retryable: true });
		}
	});

	it("signs URLs without reaching the store, for the public address", async () => {
		const store = new ObjectStore(
			{ endpoint: `http://127.0.0.1:${await closedPort()}`, accessKey: "k", secretKey: "s", bucket: "nexgate", region: "us-east-1" },
			"https://media.example.com"
		);
		const url = new URL(await store.presignGet("f/x/thumb.webp", 600, { signedAt: new Date("2026-01-01T00:00:00Z") }));
		expect(url.origin).to.equal("https://media.example.com");
		expect(url.pathname).to.equal("/nexgate/f/x/thumb.webp");
		expect(url.searchParams.get("X-Amz-Date")).to.equal("20260101T000000Z");
		expect(url.searchParams.get("X-Amz-Expires")).to.equal("600");
		const again = await store.presignGet("f/x/thumb.webp", 600, { signedAt: new Date("2026-01-01T00:00:00Z") });
		expect(again, "same signing time, same URL").to.equal(url.toString());
	});
});
