import { expect } from "chai";
import { canSee, mentionAllowed, NO_RELATIONSHIP, type Relationship, type ViewInput } from "../../../services/social/rules/visibility";

const A = "author";
const V = "viewer";
const rel = (r: Partial<Relationship> = {}): Relationship => ({ ...NO_RELATIONSHIP, ...r });
const input = (over: Partial<ViewInput> = {}): ViewInput => ({ viewerId: V, authorId: A, visibility: "public", authorIsPrivate: false, rel: rel(), listing: true, ...over });

describe("social rules: visibility", () => {
	it("the author sees every post of theirs", () => {
		for (const visibility of ["public", "followers", "private"] as const) expect(canSee(input({ viewerId: A, visibility }))).to.equal(true);
	});

	it("public posts for everyone, followers posts for followers, private posts for nobody else", () => {
		expect(canSee(input())).to.equal(true);
		expect(canSee(input({ viewerId: null }))).to.equal(true);
		expect(canSee(input({ visibility: "followers" }))).to.equal(false);
		expect(canSee(input({ visibility: "followers", rel: rel({ following: true }) }))).to.equal(true);
		expect(canSee(input({ visibility: "followers", viewerId: null }))).to.equal(false);
		expect(canSee(input({ visibility: "private", rel: rel({ following: true }) }))).to.equal(false);
	});

	it("a private account's posts only for approved followers", () => {
		expect(canSee(input({ authorIsPrivate: true }))).to.equal(false);
		expect(canSee(input({ authorIsPrivate: true, viewerId: null }))).to.equal(false);
		expect(canSee(input({ authorIsPrivate: true, rel: rel({ following: true }) }))).to.equal(true);
	});

	it("blocks hide everything either way; mutes only in lists", () => {
		expect(canSee(input({ rel: rel({ blocking: true, following: true }) }))).to.equal(false);
		expect(canSee(input({ rel: rel({ blockedBy: true }), listing: false }))).to.equal(false);
		expect(canSee(input({ rel: rel({ muting: true }) }))).to.equal(false);
		expect(canSee(input({ rel: rel({ muting: true }), listing: false }))).to.equal(true);
	});

	it("mentions: never across a block, never of oneself, only of who can see the post", () => {
		const base = { authorId: A, mentionedId: V, visibility: "public" as const, authorIsPrivate: false, author: { followedBy: false, blocking: false, blockedBy: false } };
		expect(mentionAllowed(base)).to.equal(true);
		expect(mentionAllowed({ ...base, author: { ...base.author, blocking: true } })).to.equal(false);
		expect(mentionAllowed({ ...base, author: { ...base.author, blockedBy: true } })).to.equal(false);
		expect(mentionAllowed({ ...base, mentionedId: A })).to.equal(false);
		expect(mentionAllowed({ ...base, visibility: "followers" })).to.equal(false);
		expect(mentionAllowed({ ...base, visibility: "followers", author: { ...base.author, followedBy: true } })).to.equal(true);
		expect(mentionAllowed({ ...base, visibility: "private", author: { ...base.author, followedBy: true } })).to.equal(false);
	});
});
