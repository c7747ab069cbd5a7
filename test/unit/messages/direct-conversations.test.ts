import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { DirectConversations } from "../../../services/messages/flows/direct-conversations";
import type { ConversationRow, MemberRow } from "../../../services/messages/store/conversations";

const conversation = (kind: "direct" | "group", title: string | null = null): ConversationRow => ({
	id: newId(),
	kind,
	title,
	createdBy: newId(),
	lastSeq: 7,
	lastVersion: 9,
	activityAt: new Date(),
	createdAt: new Date()
});
const member = (conversationId: string, joinedSeq = 0): MemberRow => ({
	conversationId,
	userId: newId(),
	role: "member",
	joinedSeq,
	readSeq: 3,
	muted: false,
	joinedAt: new Date()
});

describe("messages: direct conversations kept in memory", () => {
	it("keeps a direct conversation's title and members (with their joining seq), nothing that changes", () => {
		const cache = new DirectConversations();
		const c = conversation("direct");
		const [a, b] = [member(c.id), member(c.id)];
		cache.remember(c, [a, b]);
		expect(cache.get(c.id)).to.deep.equal({ title: null, members: [{ userId: a.userId, joinedSeq: 0 }, { userId: b.userId, joinedSeq: 0 }] });
		expect(cache.get(newId())).to.equal(undefined);
	});

	it("never keeps a group: its members change on any node", () => {
		const cache = new DirectConversations();
		const g = conversation("group", "Soko");
		cache.remember(g, [member(g.id), member(g.id, 4)]);
		expect(cache.get(g.id)).to.equal(undefined);
		expect(cache.size).to.equal(0);
	});

	it("drops the least recently used entry past its bound", () => {
		const cache = new DirectConversations(2);
		const [x, y, z] = [conversation("direct"), conversation("direct"), conversation("direct")];
		cache.remember(x, [member(x.id)]);
		cache.remember(y, [member(y.id)]);
		// x was used after y: y is the one to go.
		expect(cache.get(x.id)).to.not.equal(undefined);
		cache.remember(z, [member(z.id)]);
		expect(cache.size).to.equal(2);
		expect(cache.get(y.id)).to.equal(undefined);
		expect(cache.get(x.id)).to.not.equal(undefined);
		expect(cache.get(z.id)).to.not.equal(undefined);
	});
});
