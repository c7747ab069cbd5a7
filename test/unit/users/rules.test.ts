import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { decideLists, decideMessage, decideView, NO_RELATIONSHIP, type Relationship } from "../../../services/users/rules/access";
import { parseProfileKey } from "../../../services/users/rules/lookup";
import { phoneKey, phoneKeyOfInput } from "../../../services/users/rules/phone-key";
import { cleanBio, cleanDisplayName, cleanLocation, cleanWebsite } from "../../../services/users/rules/profile-input";
import { canMessageKey, canViewKey, graphPatterns, profilesKey, relationshipsKey } from "../../../services/users/cache";
import { diff } from "../../../services/users/flows/profile";
import type { ProfileRow } from "../../../services/users/store/profiles";

const rel = (over: Partial<Relationship> = {}): Relationship => ({ ...NO_RELATIONSHIP, ...over });

describe("users access rules", () => {
	it("canView: blocks either way hide everything; private accounts only for followers and themselves", () => {
		expect(decideView({ self: false, rel: rel(), isPrivate: false })).to.deep.equal({ allowed: true });
		expect(decideView({ self: false, rel: rel({ blockedBy: true }), isPrivate: false })).to.deep.equal({ allowed: false, reason: "blocked" });
		expect(decideView({ self: false, rel: rel({ blocking: true, following: true }), isPrivate: false })).to.deep.equal({ allowed: false, reason: "blocked" });
		expect(decideView({ self: false, rel: rel({ requested: true }), isPrivate: true })).to.deep.equal({ allowed: false, reason: "private" });
		expect(decideView({ self: false, rel: rel({ following: true }), isPrivate: true })).to.deep.equal({ allowed: true });
		expect(decideView({ self: true, rel: rel(), isPrivate: true })).to.deep.equal({ allowed: true });
	});

	it("canMessage: blocks, then the recipient's setting", () => {
		expect(decideMessage({ self: false, rel: rel(), whoCanMessage: "everyone" })).to.deep.equal({ allowed: true });
		expect(decideMessage({ self: false, rel: rel({ blocking: true }), whoCanMessage: "everyone" })).to.deep.equal({ allowed: false, reason: "blocked" });
		expect(decideMessage({ self: false, rel: rel({ following: true }), whoCanMessage: "nobody" })).to.deep.equal({ allowed: false, reason: "nobody" });
		expect(decideMessage({ self: false, rel: rel({ followedBy: true }), whoCanMessage: "followers" })).to.deep.equal({ allowed: false, reason: "not_follower" });
		expect(decideMessage({ self: false, rel: rel({ following: true }), whoCanMessage: "followers" })).to.deep.equal({ allowed: true });
	});

	it("lists: hidden lists show to their owner only; private ones to approved followers too", () => {
		expect(decideLists({ self: false, rel: rel({ following: true }), isPrivate: false, showFollowers: false })).to.deep.equal({ allowed: false, reason: "hidden" });
		expect(decideLists({ self: true, rel: rel(), isPrivate: true, showFollowers: false })).to.deep.equal({ allowed: true });
		expect(decideLists({ self: false, rel: rel(), isPrivate: true, showFollowers: true })).to.deep.equal({ allowed: false, reason: "private" });
		expect(decideLists({ self: false, rel: rel({ following: true }), isPrivate: true, showFollowers: true })).to.deep.equal({ allowed: true });
	});
});

describe("users input rules", () => {
	it("display names: one line, trimmed, no control or bidi characters, at most 80", () => {
		expect(cleanDisplayName("  Asha \n Mwinyi ")).to.deep.equal({ ok: true, value: "Asha Mwinyi" });
		expect(cleanDisplayName("   ").ok).to.equal(false);
		expect(cleanDisplayName("Asha\u202eiynwM").ok).to.equal(false);
		expect(cleanDisplayName("é".repeat(80)).ok).to.equal(true);
		expect(cleanDisplayName("é".repeat(81)).ok).to.equal(false);
	});

	it("bios keep paragraphs, not control characters", () => {
		expect(cleanBio("a\r\n\r\n\r\n\r\nb")).to.deep.equal({ ok: true, value: "a\n\nb" });
		expect(cleanBio("a\u0007b").ok).to.equal(false);
		expect(cleanBio("x".repeat(301)).ok).to.equal(false);
	});

	it("websites: http(s) with a real host; a bare domain gets https", () => {
		expect(cleanWebsite("shop.example.com/a")).to.deep.equal({ ok: true, value: "https://shop.example.com/a" });
		expect(cleanWebsite("http://example.co.tz")).to.deep.equal({ ok: true, value: "http://example.co.tz/" });
		expect(cleanWebsite("")).to.deep.equal({ ok: true, value: null });
		for (const bad of ["javascript:alert(1)", "ftp://example.com", "localhost", "https://user:pw@example.com", "http://"]) expect(cleanWebsite(bad).ok, bad).to.equal(false);
	});

	it("locations: ISO country codes, optional city", () => {
		expect(cleanLocation({ country: "tz", city: "  Dar  es Salaam " })).to.deep.equal({ ok: true, value: { country: "TZ", city: "Dar es Salaam" } });
		expect(cleanLocation({ country: "KE" })).to.deep.equal({ ok: true, value: { country: "KE", city: null } });
		expect(cleanLocation(null)).to.deep.equal({ ok: true, value: null });
		expect(cleanLocation({ country: "Tanzania" }).ok).to.equal(false);
	});

	it("profile keys: ids, or usernames by auth's rules (case-insensitive, optional @)", () => {
		const id = newId();
		expect(parseProfileKey(id.toUpperCase())).to.deep.equal({ kind: "id", value: id });
		expect(parseProfileKey("@Asha_M")).to.deep.equal({ kind: "username", value: "asha_m" });
		expect(parseProfileKey("a b")).to.equal(null);
		expect(parseProfileKey("ab")).to.equal(null);
	});

	it("phone keys: every way of typing a number gives the same key; not the number itself", () => {
		const key = phoneKey("+255712345678");
		expect(phoneKeyOfInput("0712 345 678")).to.equal(key);
		expect(phoneKeyOfInput("+255 712-345-678")).to.equal(key);
		expect(key).to.not.contain("712345678");
		expect(phoneKeyOfInput("12")).to.equal(null);
	});

	it("profile diffs: only real changes, named by their API field", () => {
		const row = { display_name: "Asha", bio: "", avatar_file_id: null, country: "TZ", city: "Arusha", website: null, language: "en", is_private: false } as unknown as ProfileRow;
		expect(diff(row, { displayName: " Asha ", language: "en" })).to.deep.equal({ changes: {}, changed: [] });
		expect(diff(row, { language: "sw", location: { country: "TZ", city: "Moshi" } })).to.deep.equal({
			changes: { language: "sw", city: "Moshi" },
			changed: ["location", "language"]
		});
		expect(() => diff(row, { website: "javascript:x" })).to.throw(/website/);
	});
});

describe("users cache keys", () => {
	const ctx = (params: Record<string, unknown>) => ({ params }) as never;
	const a = newId();
	const b = newId();

	it("name the users they are about, so clearing by user finds them", () => {
		const keys = [
			relationshipsKey({ name: "users.relationships" }, {}, ctx({ viewerId: a, userIds: [b] })),
			canViewKey({ name: "users.canView" }, {}, ctx({ viewerId: b, authorId: a })),
			canMessageKey({ name: "users.canMessage" }, {}, ctx({ senderId: a, recipientId: b }))
		];
		const patterns = graphPatterns([a]).map(p => new RegExp(`^${p.replace(/[.]/g, "\\.").replace(/\*/g, ".*")}$`));
		for (const key of keys) expect(patterns.some(p => p.test(key)), key).to.equal(true);
		expect(canViewKey({ name: "users.canView" }, {}, ctx({ viewerId: null, authorId: a }))).to.equal(`users.canView:anon:${a}`);
	});

	it("do not depend on the order or case of the ids", () => {
		expect(relationshipsKey({ name: "r" }, {}, ctx({ viewerId: a, userIds: [a, b] }))).to.equal(relationshipsKey({ name: "r" }, {}, ctx({ viewerId: a, userIds: [b.toUpperCase(), a] })));
		expect(profilesKey({ name: "p" }, {}, ctx({ ids: [b, a] }))).to.equal(profilesKey({ name: "p" }, {}, ctx({ ids: [a, b, a] })));
	});
});
