import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { loadMessagesConfig } from "../../../services/messages/config";
import { MAX_GROUP_MEMBERS, normalizeTitle, pairKey, planConversation } from "../../../services/messages/rules/conversation-input";
import { decideDelete, decideEdit } from "../../../services/messages/rules/edit";
import { conversationOfRef, fileRef } from "../../../services/messages/rules/file-ref";
import { historyQuery, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, toHistoryPage } from "../../../services/messages/rules/history";
import { CLIENT_ID_PATTERN, normalizeContent, normalizeText } from "../../../services/messages/rules/message-input";
import { startsUnreadStreak, unreadCount } from "../../../services/messages/rules/read-marker";
import { isReactionEmoji } from "../../../services/messages/rules/reactions";
import { TypingThrottle } from "../../../services/messages/rules/typing";

describe("messages rules", () => {
	describe("conversation input", () => {
		const me = newId();
		const a = newId();
		const b = newId();

		it("one other person and no title is the pair's direct conversation, keyed the same from both ends", () => {
			const plan = planConversation(me, [a, me, a.toUpperCase()]);
			expect(plan).to.deep.equal({ kind: "direct", otherId: a, pairKey: pairKey(me, a) });
			expect(pairKey(me, a)).to.equal(pairKey(a, me));
		});

		it("a title or several people make a group; blank titles are none", () => {
			expect(planConversation(me, [a], "Shop")).to.deep.equal({ kind: "group", memberIds: [a], title: "Shop" });
			expect(planConversation(me, [a, b], "   ")).to.deep.equal({ kind: "group", memberIds: [a, b], title: null });
			expect(normalizeTitle("  Soko \n la  Jumamosi ")).to.equal("Soko la Jumamosi");
		});

		it("refuses no one else, and more than the group limit (creator included)", () => {
			expect(planConversation(me, [me])).to.deep.equal({ error: "no_members" });
			const many = Array.from({ length: MAX_GROUP_MEMBERS }, () => newId());
			expect(planConversation(me, many)).to.deep.equal({ error: "too_many_members" });
			expect("kind" in planConversation(me, many.slice(1))).to.equal(true);
		});
	});

	describe("message input", () => {
		it("needs text, files or an embed; whitespace-only text is none", () => {
			expect(normalizeContent({ text: " \n " })).to.deep.equal({ error: "empty" });
			expect(normalizeContent({})).to.deep.equal({ error: "empty" });
			expect(normalizeText("  keep  spacing\n")).to.equal("  keep  spacing\n");
			const f = newId();
			expect(normalizeContent({ fileIds: [f, f.toUpperCase()] })).to.deep.equal({ text: null, fileIds: [f], embed: null });
			expect(normalizeContent({ embed: { type: "product", id: f } })).to.deep.equal({ text: null, fileIds: [], embed: { type: "product", id: f } });
		});

		it("client ids are short opaque tokens", () => {
			expect(CLIENT_ID_PATTERN.test(newId())).to.equal(true);
			expect(CLIENT_ID_PATTERN.test("c-1.2:3_x")).to.equal(true);
			expect(CLIENT_ID_PATTERN.test("")).to.equal(false);
			expect(CLIENT_ID_PATTERN.test("with space")).to.equal(false);
			expect(CLIENT_ID_PATTERN.test("x".repeat(65))).to.equal(false);
		});
	});

	describe("history pages", () => {
		const rows = (...seqs: number[]) => seqs.map(seq => ({ seq }));

		it("after=N reads forward from N; nothing or before=N read back from the end", () => {
			expect(historyQuery({ after: 5, limit: 10 }, 0)).to.deep.equal({ after: 5, before: null, from: "oldest", limit: 10 });
			expect(historyQuery({ before: 9 }, 0)).to.deep.equal({ after: 0, before: 9, from: "newest", limit: HISTORY_DEFAULT_LIMIT });
			expect(historyQuery({}, 0)).to.deep.equal({ after: 0, before: null, from: "newest", limit: HISTORY_DEFAULT_LIMIT });
			expect(historyQuery({ after: 2, before: 6 }, 0)).to.include({ after: 2, before: 6, from: "oldest" });
			expect(historyQuery({ limit: 10_000 }, 0).limit).to.equal(HISTORY_MAX_LIMIT);
		});

		it("never reaches before the member joined", () => {
			expect(historyQuery({ after: 3 }, 10).after).to.equal(10);
			expect(historyQuery({ before: 5 }, 10).after).to.equal(10);
		});

		it("pages are ascending whichever end they come from; the extra row only says there is more", () => {
			expect(toHistoryPage(rows(4, 5, 6), { after: 3, before: null, from: "oldest", limit: 2 })).to.deep.equal({ items: rows(4, 5), hasMore: true });
			expect(toHistoryPage(rows(9, 8, 7), { after: 0, before: 10, from: "newest", limit: 2 })).to.deep.equal({ items: rows(8, 9), hasMore: true });
			expect(toHistoryPage(rows(2, 1), { after: 0, before: 3, from: "newest", limit: 2 })).to.deep.equal({ items: rows(1, 2), hasMore: false });
		});
	});

	describe("read markers", () => {
		it("unread is what lies past the marker, never negative", () => {
			expect(unreadCount(10, 4)).to.equal(6);
			expect(unreadCount(4, 10)).to.equal(0);
		});

		it("a message starts an unread streak only when everything before it was read", () => {
			expect(startsUnreadStreak(4, 5)).to.equal(true);
			expect(startsUnreadStreak(3, 5)).to.equal(false);
			expect(startsUnreadStreak(0, 1)).to.equal(true);
		});
	});

	describe("edits and deletes", () => {
		const sender = newId();
		const other = newId();
		const now = new Date("2026-01-01T12:00:00Z");
		const fact = (over = {}) => ({ senderId: sender, createdAt: new Date(now.getTime() - 60_000), deleted: false, hasText: true, ...over });

		it("the sender edits text within the window, not a deleted message nor a text-less one", () => {
			expect(decideEdit(fact(), sender, now, 15 * 60_000)).to.equal(null);
			expect(decideEdit(fact(), other, now, 15 * 60_000)).to.equal("not_sender");
			expect(decideEdit(fact({ deleted: true }), sender, now, 15 * 60_000)).to.equal("deleted");
			expect(decideEdit(fact(), sender, now, 30_000)).to.equal("window_closed");
			expect(decideEdit(fact({ hasText: false }), sender, now, 15 * 60_000)).to.equal("no_text");
		});

		it("the sender deletes; in a group, admins delete anyone's", () => {
			expect(decideDelete({ senderId: sender }, sender, { kind: "direct", role: "member" })).to.equal(null);
			expect(decideDelete({ senderId: sender }, other, { kind: "direct", role: "member" })).to.equal("not_allowed");
			expect(decideDelete({ senderId: sender }, other, { kind: "group", role: "member" })).to.equal("not_allowed");
			expect(decideDelete({ senderId: sender }, other, { kind: "group", role: "admin" })).to.equal(null);
		});
	});

	it("a reaction is exactly one emoji (joined sequences, skin tones and flags count as one)", () => {
		for (const ok of ["👍", "👍🏽", "🇹🇿", "❤️", "👨‍👩‍👧"]) expect(isReactionEmoji(ok), ok).to.equal(true);
		for (const bad of ["", "a", "ok", "👍👍", "👍 ", "1", "#", "x".repeat(40)]) expect(isReactionEmoji(bad), bad).to.equal(false);
	});

	it("file refs name the conversation; anything else is not ours", () => {
		const id = newId();
		expect(conversationOfRef(fileRef(id))).to.equal(id);
		expect(conversationOfRef(`users:avatar:${id}`)).to.equal(null);
		expect(conversationOfRef("messages:conversation:nope")).to.equal(null);
		expect(conversationOfRef(null)).to.equal(null);
	});

	it("typing is relayed at most once per interval per member and conversation", () => {
		const t = new TypingThrottle(3000, 2);
		expect(t.admit("u", "c", 0)).to.equal(true);
		expect(t.admit("u", "c", 2999)).to.equal(false);
		expect(t.admit("u", "d", 1000)).to.equal(true);
		expect(t.admit("u", "c", 3000)).to.equal(true);
		// Bounded: a third key evicts the oldest.
		expect(t.admit("v", "c", 3001)).to.equal(true);
		expect(t.admit("u", "d", 3002)).to.equal(true);
	});

	it("configuration: defaults, and bad values named", () => {
		expect(loadMessagesConfig({})).to.deep.equal({ editWindowMs: 15 * 60_000, typingIntervalMs: 3000 });
		expect(loadMessagesConfig({ MESSAGES_EDIT_WINDOW_MINUTES: "60" }).editWindowMs).to.equal(3_600_000);
		expect(() => loadMessagesConfig({ MESSAGES_TYPING_INTERVAL_MS: "soon" })).to.throw(/MESSAGES_TYPING_INTERVAL_MS/);
	});
});
