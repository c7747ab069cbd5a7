/**
 * Profiles through the REST API (API.md users): my profile, changing it,
 * reading others by id or username, and the language notifications follow.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { closeNotifDb, notifQuery } from "../notifications/support";
import { call, createProfile, profileReady, publish } from "./support";

describe("users: profiles", function () {
	this.timeout(60_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;

	before(async () => {
		stack = await getStack();
		[asha, juma] = await Promise.all([createProfile(stack, { displayName: "Asha Mwinyi" }), createProfile(stack, { displayName: "Juma Said", language: "sw" })]);
	});
	after(closeNotifDb);

	describe("GET /users/me", () => {
		it("is created from the registration: username, display name and language come from auth", async () => {
			const res = await call(stack, "/me", juma);
			expect(res.status).to.equal(200);
			expect(res.json).to.include({ id: juma.userId, displayName: "Juma Said", language: "sw", bio: "", isPrivate: false, avatar: null, location: null });
			expect(res.json.username).to.match(/^juma_said/);
			expect(res.json.counts).to.deep.equal({ followers: 0, following: 0, posts: 0 });
			expect(res.json).to.not.have.property("viewer");
		});

		it("401 without a token", async () => {
			expect((await call(stack, "/me", null)).status).to.equal(401);
		});

		it("a user whose registration event has not arrived is 404, and appears once it is consumed", async () => {
			const userId = newId();
			const username = `late_${userId.slice(-8)}`;
			expect((await call(stack, `/${userId}`, asha)).json.type).to.equal("USER_NOT_FOUND");
			expect((await call(stack, `/${username}`, asha)).status).to.equal(404);
			await publish(stack, "auth.user.registered", { userId, username, displayName: "Late Arrival", phone: null, email: null, language: "sw" });
			await waitFor(async () => (await call(stack, `/${userId}`, asha)).status === 200, "the profile from the event", 20_000);
			const res = await call(stack, `/${username}`, asha);
			expect(res.json).to.include({ id: userId, username, displayName: "Late Arrival", language: "sw" });
			// A real registration through auth ends the same way.
			const late = await createUser(stack);
			await profileReady(stack, late);
			expect((await call(stack, `/${late.userId}`, asha)).status).to.equal(200);
		});
	});

	describe("PATCH /users/me", () => {
		it("changes display name, bio, location, website and privacy, normalising input", async () => {
			const res = await call(stack, "/me", asha, {
				method: "PATCH",
				body: { displayName: "  Asha   M. ", bio: "Fundi wa mitindo\r\n\r\n\r\nDar", location: { country: "tz", city: " Dar es Salaam " }, website: "asha.example.com/shop" }
			});
			expect(res.status).to.equal(200);
			expect(res.json).to.include({ displayName: "Asha M.", bio: "Fundi wa mitindo\n\nDar", website: "https://asha.example.com/shop" });
			expect(res.json.location).to.deep.equal({ country: "TZ", city: "Dar es Salaam" });
			expect((await call(stack, "/me", asha)).json.displayName).to.equal("Asha M.");
		});

		it("400 for invalid input, and changes nothing", async () => {
			const before = (await call(stack, "/me", asha)).json;
			for (const body of [
				{ displayName: "   " },
				{ displayName: "x".repeat(81) },
				{ bio: "b".repeat(301) },
				{ website: "javascript:alert(1)" },
				{ location: { country: "Tanzania" } },
				{ language: "fr" },
				{ isPrivate: "yes" },
				{ avatarFileId: "not-a-uuid" }
			]) {
				const res = await call(stack, "/me", asha, { method: "PATCH", body });
				expect(res.status, JSON.stringify(body)).to.equal(400);
				expect(res.json.type).to.equal("VALIDATION_ERROR");
			}
			expect((await call(stack, "/me", asha)).json).to.deep.equal(before);
		});

		it("401 without a token", async () => {
			expect((await call(stack, "/me", null, { method: "PATCH", body: { bio: "x" } })).status).to.equal(401);
		});

		it("a language change reaches notifications' directory (users owns language)", async () => {
			await waitFor(async () => (await notifQuery("SELECT 1 FROM notifications.recipients WHERE user_id = $1 AND registered", [asha.userId])).length > 0, "asha in the directory", 20_000);
			const res = await call(stack, "/me", asha, { method: "PATCH", body: { language: "sw" } });
			expect(res.status).to.equal(200);
			expect(res.json.language).to.equal("sw");
			await waitFor(
				async () => (await notifQuery<{ language: string }>("SELECT language FROM notifications.recipients WHERE user_id = $1", [asha.userId]))[0]?.language === "sw",
				"the directory language to follow",
				20_000
			);
			const [event] = await coreQuery<{ envelope: { data: { changed: string[]; language: string } } }>(
				"SELECT envelope FROM users.outbox WHERE type = 'users.profile.updated' AND envelope->'data'->>'userId' = $1 ORDER BY id DESC LIMIT 1",
				[asha.userId]
			);
			expect(event.envelope.data.changed).to.deep.equal(["language"]);
			expect(event.envelope.data.language).to.equal("sw");
		});
	});

	it("notifications: a language change that overtakes the registration waits for it, and wins", async () => {
		const userId = newId();
		await publish(stack, "users.profile.updated", { userId, username: `early_${userId.slice(-8)}`, displayName: "Early", avatarFileId: null, language: "sw", isPrivate: false, changed: ["language"] });
		await publish(stack, "auth.user.registered", { userId, username: `early_${userId.slice(-8)}`, displayName: "Early", phone: null, email: null, language: "en" });
		await waitFor(
			async () => (await notifQuery<{ language: string }>("SELECT language FROM notifications.recipients WHERE user_id = $1 AND registered", [userId]))[0]?.language === "sw",
			"the later language to win",
			20_000
		);
	});

	describe("GET /users/:idOrUsername", () => {
		it("finds a profile by id and by username, with my relationship to it", async () => {
			const byId = await call(stack, `/${juma.userId}`, asha);
			expect(byId.status).to.equal(200);
			expect(byId.json.viewer).to.deep.equal({ following: false, followedBy: false, requested: false, blocked: false, muted: false });
			const byName = await call(stack, `/@${byId.json.username.toUpperCase()}`, asha);
			expect(byName.status).to.equal(200);
			expect(byName.json.id).to.equal(juma.userId);
		});

		it("works without a token (public profile, no viewer flags); a bad token is 401", async () => {
			const res = await call(stack, `/${juma.userId}`, null);
			expect(res.status).to.equal(200);
			expect(res.json).to.not.have.property("viewer");
			expect((await call(stack, `/${juma.userId}`, null, { token: "not.a.token" })).status).to.equal(401);
		});

		it("404 for an unknown id or username, 400 for something that is neither", async () => {
			expect((await call(stack, `/${newId()}`, asha)).json.type).to.equal("USER_NOT_FOUND");
			expect((await call(stack, "/nobody_by_this_name", asha)).status).to.equal(404);
			expect((await call(stack, "/no%20such!", asha)).status).to.equal(400);
		});
	});

	it("publishes its routes in the OpenAPI document", async () => {
		const doc = (await http(stack.apiUrl, "/api/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
		const ours = Object.entries(doc.paths)
			.filter(([path]) => path.startsWith("/api/v1/users"))
			.flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`))
			.sort();
		expect(ours).to.include.members([
			"GET /api/v1/users",
			"GET /api/v1/users/me",
			"PATCH /api/v1/users/me",
			"GET /api/v1/users/{idOrUsername}",
			"POST /api/v1/users/{id}/follow",
			"DELETE /api/v1/users/{id}/follow",
			"GET /api/v1/users/me/privacy",
			"PATCH /api/v1/users/me/privacy",
			"GET /api/v1/users/{id}/trust"
		]);
	});
});
