/**
 * The REST surface (API.md "notifications"): every endpoint's happy path,
 * invalid input (400), no token (401) and someone else's resource (404).
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { createUser, type TestUser } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { http } from "../api/http";
import { arrived, closeNotifDb, inAppOf, deviceToken, publish, recipientKnown, notificationsReady } from "./support";

const BASE = "/api/v1/notifications";

describe("notifications: REST", function () {
	this.timeout(60_000);
	let stack: Stack;
	let alice: TestUser;
	let bob: TestUser;
	const call = (path: string, user: TestUser | null, opts: { method?: string; body?: unknown } = {}) =>
		http(stack.apiUrl, `${BASE}${path}`, { ...opts, token: user?.accessToken });

	/** Three notifications for a user (password changes are simple, ungrouped notices). */
	async function notices(user: TestUser, n: number) {
		for (let i = 0; i < n; i++) await publish(stack, "auth.password.changed", { userId: user.userId, via: "change" });
		return arrived(() => inAppOf(stack, user.accessToken), "the notifications", n);
	}

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
		[alice, bob] = await Promise.all([createUser(stack), createUser(stack)]);
		await Promise.all([recipientKnown(alice.userId), recipientKnown(bob.userId)]);
	});
	after(closeNotifDb);

	it("publishes exactly its own routes in the OpenAPI document (no generic CRUD)", async () => {
		const doc = (await http(stack.apiUrl, "/api/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
		const ours = Object.entries(doc.paths)
			.filter(([path]) => path.startsWith(BASE))
			.flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`))
			.sort();
		expect(ours).to.deep.equal([
			`DELETE ${BASE}/devices/{id}`,
			`GET ${BASE}`,
			`GET ${BASE}/devices`,
			`GET ${BASE}/devices/{id}`,
			`GET ${BASE}/preferences`,
			`GET ${BASE}/unread-count`,
			`PATCH ${BASE}/preferences`,
			`POST ${BASE}/devices`,
			`POST ${BASE}/read`
		]);
	});

	describe("GET /notifications", () => {
		it("lists my notifications newest first, cursor-paginated", async () => {
			await notices(alice, 3);
			const first = await call("?limit=2", alice);
			expect(first.status).to.equal(200);
			expect(first.json.items).to.have.length(2);
			expect(first.json.nextCursor).to.be.a("string");
			const item = first.json.items[0];
			expect(item).to.have.keys("id", "type", "title", "body", "data", "readAt", "createdAt");
			expect(item.type).to.equal("security.password_changed");
			expect(item.title).to.equal("Password changed");
			expect(item.readAt).to.equal(null);
			const second = await call(`?limit=2&cursor=${first.json.nextCursor}`, alice);
			expect(second.json.items).to.have.length(1);
			expect(second.json.nextCursor).to.equal(null);
			const ids = [...first.json.items, ...second.json.items].map((n: { id: string }) => n.id);
			expect(new Set(ids).size).to.equal(3);
			const times = [...first.json.items, ...second.json.items].map((n: { createdAt: string }) => n.createdAt);
			expect([...times].sort().reverse()).to.deep.equal(times);
		});

		it("never shows anyone else's notifications", async () => {
			const mine = (await call("", alice)).json.items.map((n: { id: string }) => n.id);
			const theirs = (await call("", bob)).json.items.map((n: { id: string }) => n.id);
			expect(mine.filter((id: string) => theirs.includes(id))).to.deep.equal([]);
		});

		it("refuses a bad cursor or limit (400) and anonymous callers (401)", async () => {
			expect((await call("?cursor=not!a!cursor", alice)).status).to.equal(400);
			expect((await call("?limit=0", alice)).status).to.equal(400);
			const anonymous = await call("", null);
			expect(anonymous.status).to.equal(401);
			expect(anonymous.json.type).to.equal("NO_TOKEN");
		});
	});

	describe("GET /notifications/unread-count and POST /notifications/read", () => {
		it("counts unread, marks some read by id, then all", async () => {
			const user = await createUser(stack);
			await recipientKnown(user.userId);
			const items = await notices(user, 3);
			expect((await call("/unread-count", user)).json).to.deep.equal({ count: 3 });

			const one = await call("/read", user, { method: "POST", body: { ids: [items[0].id] } });
			expect(one.status).to.equal(200);
			expect(one.json).to.deep.equal({ marked: 1, count: 2 });
			const listed = (await call("", user)).json.items.find((n: { id: string }) => n.id === items[0].id);
			expect(listed.readAt).to.be.a("string");
			expect((await call("?unread=true", user)).json.items).to.have.length(2);

			const all = await call("/read", user, { method: "POST", body: { all: true } });
			expect(all.json).to.deep.equal({ marked: 2, count: 0 });
			expect((await call("/unread-count", user)).json).to.deep.equal({ count: 0 });
		});

		it("refuses a body with neither or both of ids and all, or ids that are not uuids (400)", async () => {
			for (const body of [{}, { all: false }, { ids: [] }, { ids: ["nope"] }, { ids: [newId()], all: true }]) {
				const r = await call("/read", alice, { method: "POST", body });
				expect(r.status, JSON.stringify(body)).to.equal(400);
			}
		});

		it("refuses anonymous callers (401)", async () => {
			expect((await call("/unread-count", null)).status).to.equal(401);
			expect((await call("/read", null, { method: "POST", body: { all: true } })).status).to.equal(401);
		});

		it("will not mark someone else's notification (404) and leaves it unread", async () => {
			const [theirs] = await notices(bob, 1);
			const r = await call("/read", alice, { method: "POST", body: { ids: [theirs.id] } });
			expect(r.status).to.equal(404);
			expect(r.json.type).to.equal("NOTIFICATION_NOT_FOUND");
			const still = (await call("", bob)).json.items.find((n: { id: string }) => n.id === theirs.id);
			expect(still.readAt).to.equal(null);
		});
	});

	describe("GET|PATCH /notifications/preferences", () => {
		it("shows every category × channel and quiet hours, with defaults", async () => {
			const r = await call("/preferences", alice);
			expect(r.status).to.equal(200);
			expect(r.json.channels).to.have.keys("security", "social", "commerce", "payment", "ticket", "message");
			expect(r.json.channels.social).to.deep.equal({ inapp: true, push: true, sms: false, email: false });
			expect(r.json.quietHours).to.deep.equal({ enabled: false, start: "22:00", end: "07:00", timezone: "Africa/Dar_es_Salaam" });
		});

		it("changes channels and quiet hours, and keeps what was not sent", async () => {
			const r = await call("/preferences", alice, {
				method: "PATCH",
				body: { channels: { social: { sms: true }, commerce: { email: false } }, quietHours: { enabled: true, start: "21:30", timezone: "Africa/Nairobi" } }
			});
			expect(r.status).to.equal(200);
			expect(r.json.channels.social).to.deep.equal({ inapp: true, push: true, sms: true, email: false });
			expect(r.json.channels.commerce.email).to.equal(false);
			expect(r.json.quietHours).to.deep.equal({ enabled: true, start: "21:30", end: "07:00", timezone: "Africa/Nairobi" });
			const again = await call("/preferences", alice, { method: "PATCH", body: { quietHours: { end: "06:00" } } });
			expect(again.json.quietHours).to.deep.equal({ enabled: true, start: "21:30", end: "06:00", timezone: "Africa/Nairobi" });
			expect(again.json.channels.social.sms).to.equal(true);
		});

		it("keeps security alerts in the in-app list whatever the patch says", async () => {
			const r = await call("/preferences", alice, { method: "PATCH", body: { channels: { security: { inapp: false } } } });
			expect(r.json.channels.security.inapp).to.equal(true);
		});

		it("refuses unknown categories or channels, bad times and unknown zones (400)", async () => {
			for (const body of [
				{ channels: { gossip: { sms: true } } },
				{ channels: { social: { pigeon: true } } },
				{ channels: { social: { sms: "yes" } } },
				{ quietHours: { start: "25:00" } },
				{ quietHours: { end: "7am" } },
				{ quietHours: { timezone: "Mars/Olympus" } }
			]) {
				const r = await call("/preferences", alice, { method: "PATCH", body });
				expect(r.status, JSON.stringify(body)).to.equal(400);
				expect(r.json.type).to.equal("VALIDATION_ERROR");
			}
		});

		it("refuses anonymous callers (401)", async () => {
			expect((await call("/preferences", null)).status).to.equal(401);
			expect((await call("/preferences", null, { method: "PATCH", body: { quietHours: { enabled: true } } })).status).to.equal(401);
		});

		it("changes only the caller's own preferences", async () => {
			await call("/preferences", bob, { method: "PATCH", body: { channels: { message: { push: false } }, quietHours: { enabled: true } } });
			const mine = (await call("/preferences", alice)).json;
			expect(mine.channels.message.push).to.equal(true);
			expect(mine.quietHours.start).to.equal("21:30");
		});
	});

	describe("devices", () => {
		it("registers a push token (201), lists it, shows it, and deletes it (204)", async () => {
			const token = deviceToken();
			const created = await call("/devices", alice, { method: "POST", body: { token, platform: "android" } });
			expect(created.status).to.equal(201);
			expect(created.json).to.include({ platform: "android", tokenSuffix: token.slice(-8) });
			expect(created.headers.get("location")).to.equal(`${BASE}/devices/${created.json.id}`);
			expect((await call("/devices", alice)).json.items.map((d: { id: string }) => d.id)).to.include(created.json.id);
			expect((await call(`/devices/${created.json.id}`, alice)).json.id).to.equal(created.json.id);
			const removed = await call(`/devices/${created.json.id}`, alice, { method: "DELETE" });
			expect(removed.status).to.equal(204);
			expect((await call("/devices", alice)).json.items.map((d: { id: string }) => d.id)).to.not.include(created.json.id);
		});

		it("moves a token to whoever registers it last (a phone that changed hands)", async () => {
			const token = deviceToken();
			const a = await call("/devices", alice, { method: "POST", body: { token, platform: "ios" } });
			const b = await call("/devices", bob, { method: "POST", body: { token, platform: "ios" } });
			expect(b.json.id).to.equal(a.json.id);
			expect((await call("/devices", alice)).json.items.map((d: { id: string }) => d.id)).to.not.include(a.json.id);
			expect((await call("/devices", bob)).json.items.map((d: { id: string }) => d.id)).to.include(a.json.id);
		});

		it("refuses a missing or short token, an unknown platform or a bad id (400)", async () => {
			for (const body of [{ platform: "android" }, { token: "short", platform: "android" }, { token: deviceToken(), platform: "symbian" }]) {
				expect((await call("/devices", alice, { method: "POST", body })).status, JSON.stringify(body)).to.equal(400);
			}
			expect((await call("/devices/not-a-uuid", alice, { method: "DELETE" })).status).to.equal(400);
		});

		it("refuses anonymous callers (401)", async () => {
			expect((await call("/devices", null, { method: "POST", body: { token: deviceToken(), platform: "web" } })).status).to.equal(401);
			expect((await call("/devices", null)).status).to.equal(401);
			expect((await call(`/devices/${newId()}`, null, { method: "DELETE" })).status).to.equal(401);
		});

		it("will not show or delete someone else's device (404), which keeps working", async () => {
			const theirs = (await call("/devices", bob, { method: "POST", body: { token: deviceToken(), platform: "web" } })).json;
			const shown = await call(`/devices/${theirs.id}`, alice);
			expect(shown.status).to.equal(404);
			const r = await call(`/devices/${theirs.id}`, alice, { method: "DELETE" });
			expect(r.status).to.equal(404);
			expect(r.json.type).to.equal("DEVICE_NOT_FOUND");
			expect((await call("/devices", bob)).json.items.map((d: { id: string }) => d.id)).to.include(theirs.id);
		});
	});
});
