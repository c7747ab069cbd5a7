/**
 * Group commit of sends (services/messages/flows/send-batch.ts,
 * store/send-batch.ts): the batch statement's seqs, markers and outbox rows
 * against the real database; the queue's answers (twins, a refused send in
 * a batch, a batch failing whole); and many parallel REST sends across
 * conversations, gap-free per conversation.
 */
import { expect } from "chai";
import { acquireSequelize, releaseSequelize } from "../../../lib/db/connections";
import { makeEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import { queueSend, type QueuedSend, type Sent } from "../../../services/messages/flows/send-batch";
import type { MessagesRuntime } from "../../../services/messages/runtime";
import { SendAborted } from "../../../services/messages/store/messages";
import { sendBatchInOneStatement } from "../../../services/messages/store/send-batch";
import { coreQuery } from "../../support/db";
import { CORE_URL } from "../../support/environment";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { conversationOf, createProfiles, historyOf, messagesReady, send } from "./support";

type Msg = { id: string; seq: number };

describe("messages: sends in batches (group commit)", function () {
	this.timeout(180_000);
	const sequelize = acquireSequelize(CORE_URL);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;

	before(async () => {
		stack = await getStack();
		await messagesReady(stack);
		[asha, juma, neema] = await createProfiles(stack, 3);
	});
	after(() => releaseSequelize(CORE_URL));

	const aSend = (conversationId: string, sender: TestUser, clientId = newId()): QueuedSend => ({
		id: newId(),
		conversationId,
		senderId: sender.userId,
		clientId,
		text: `from ${sender.userId.slice(0, 4)}`,
		fileIds: [],
		embed: null,
		replyToSeq: null,
		online: [],
		envelope: makeEnvelope(
			"messages.message.sent",
			{ messageId: newId(), conversationId, seq: 0, senderId: sender.userId, sender: { username: "", displayName: "" }, kind: "direct", title: null, recipientIds: [] },
			sender.userId
		)
	});
	const lastSeq = async (conversationId: string) => (await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [conversationId]))[0].n as number;
	const readSeq = async (conversationId: string, user: TestUser) =>
		(await coreQuery("SELECT read_seq::int AS n FROM messages.members WHERE conversation_id = $1 AND user_id = $2", [conversationId, user.userId]))[0].n as number;
	const notifiedBy = async (eventIds: string[]) =>
		new Map(
			(await coreQuery<{ id: string; ids: string[] }>("SELECT id::text, ARRAY(SELECT jsonb_array_elements_text(envelope->'data'->'recipientIds')) AS ids FROM messages.outbox WHERE id = ANY($1::uuid[])", [eventIds])).map(r => [
				r.id,
				r.ids
			])
		);

	describe("the batch statement", () => {
		it("numbers each conversation's messages in batch order, moves the senders' markers, and notifies as the same sends one by one would", async () => {
			const pair = await conversationOf(stack, asha, [juma.userId]);
			const other = await conversationOf(stack, asha, [neema.userId]);
			const sends = [aSend(pair, asha), aSend(other, asha), aSend(pair, juma), aSend(pair, asha)];
			// neema watches her socket: not notified.
			const outcomes = await sendBatchInOneStatement({ sequelize }, sends, [neema.userId]);
			expect(outcomes.map(o => [o.row.conversationId, o.row.seq])).to.deep.equal([
				[pair, 1],
				[other, 1],
				[pair, 2],
				[pair, 3]
			]);
			expect(outcomes.map(o => o.row.id)).to.deep.equal(sends.map(s => s.id));
			expect(outcomes[0].memberIds.slice().sort()).to.deep.equal([asha.userId, juma.userId].sort());
			expect([await lastSeq(pair), await lastSeq(other)]).to.deep.equal([3, 1]);
			expect([await readSeq(pair, asha), await readSeq(pair, juma), await readSeq(other, asha)]).to.deep.equal([3, 2, 1]);
			// Each message starts its recipient's unread streak, counting the recipient's own reply in between
			// (juma's seq 2 moved his marker, so asha's seq 3 starts a new streak for him); neema is online.
			expect(outcomes.map(o => o.notified)).to.deep.equal([[juma.userId], [], [asha.userId], [juma.userId]]);
			const written = await notifiedBy(sends.map(s => s.envelope.id));
			expect(written.get(sends[0].envelope.id)).to.deep.equal([juma.userId]);
			expect(written.has(sends[1].envelope.id)).to.equal(false);
			expect(written.get(sends[3].envelope.id)).to.deep.equal([juma.userId]);
		});

		it("a batch with one send that must not happen rolls back whole, counters included", async () => {
			const pair = await conversationOf(stack, juma, [neema.userId]);
			await send(stack, juma, pair);
			// asha is not in juma and neema's conversation.
			const err = await sendBatchInOneStatement({ sequelize }, [aSend(pair, juma), aSend(pair, asha), aSend(pair, neema)], []).then(
				() => null,
				e => e
			);
			expect(err).to.be.instanceOf(SendAborted);
			expect(await lastSeq(pair)).to.equal(1);
			expect((await coreQuery("SELECT count(*)::int AS n FROM messages.messages WHERE conversation_id = $1", [pair]))[0].n).to.equal(1);
		});
	});

	describe("the queue", () => {
		const rt = { sequelize, kickOutbox: () => undefined } as unknown as MessagesRuntime;
		const settle = (p: Promise<Sent>) => p.then(
			sent => sent,
			(err: Error) => err
		);

		it("twins in one batch store one message: the first is created, the twin answers its message", async () => {
			const pair = await conversationOf(stack, asha, [juma.userId]);
			const other = await conversationOf(stack, juma, [neema.userId]);
			const start = [await lastSeq(pair), await lastSeq(other)];
			const clientId = newId();
			// The first send runs alone at once; the next three queue meanwhile and are the next batch.
			const answers = await Promise.all([aSend(pair, asha), aSend(other, juma, clientId), aSend(other, juma, clientId), aSend(pair, juma)].map(s => queueSend(rt, s)));
			expect(answers.map(a => a.created)).to.deep.equal([true, true, false, true]);
			expect(answers[2].row.id).to.equal(answers[1].row.id);
			expect((await coreQuery("SELECT count(*)::int AS n FROM messages.messages WHERE client_id = $1", [clientId]))[0].n).to.equal(1);
			expect([await lastSeq(pair), await lastSeq(other)]).to.deep.equal([start[0] + 2, start[1] + 1]);
		});

		it("a refused send in a batch gets its own 404 while the others land, gap-free", async () => {
			const pair = await conversationOf(stack, neema, [asha.userId]);
			const outsider = await conversationOf(stack, juma, [asha.userId]);
			const taken = aSend(pair, neema);
			const start = (await queueSend(rt, taken)).row.seq;
			const outsiderSeq = await lastSeq(outsider);
			const answers = await Promise.all(
				[aSend(pair, asha), aSend(pair, neema), aSend(outsider, neema), aSend(pair, asha), { ...aSend(pair, neema), clientId: taken.clientId }].map(s => settle(queueSend(rt, s)))
			);
			const [first, second, refused, third, retried] = answers;
			expect(refused).to.be.instanceOf(Error);
			expect((refused as Error & { code?: number }).code).to.equal(404);
			expect([first, second, third].map(a => (a as Sent).row.seq)).to.deep.equal([start + 1, start + 2, start + 3]);
			// A retry of a clientId that landed earlier answers that message, not a new one.
			expect(retried).to.include({ created: false });
			expect((retried as Sent).row.id).to.equal(taken.id);
			expect(await lastSeq(pair)).to.equal(start + 3);
			expect(await lastSeq(outsider)).to.equal(outsiderSeq);
		});
	});

	describe("through REST", () => {
		it("many parallel REST sends across conversations: every conversation's seqs are 1..n, each once", async () => {
			const conversations = [
				[asha, juma],
				[juma, neema],
				[neema, asha]
			].map(async ([a, b]) => ({ id: await conversationOf(stack, a, [b.userId], undefined), a, b }));
			const pairs = await Promise.all(conversations);
			// Fresh conversations with the same people would be the existing 1:1s: count from where each stands.
			const start: number[] = [];
			for (const p of pairs) start.push(await lastSeq(p.id));
			const results = await Promise.all(pairs.flatMap(p => Array.from({ length: 16 }, (_, i) => send(stack, i % 2 ? p.a : p.b, p.id, { text: `n${i}` }))));
			expect(results.map(r => r.status).every(s => s === 201)).to.equal(true);
			for (const [k, p] of pairs.entries()) {
				const page = await historyOf(stack, p.a, p.id, `?after=${start[k]}&limit=200`);
				expect(page.json.items.map((m: Msg) => m.seq)).to.deep.equal(Array.from({ length: 16 }, (_, i) => start[k] + i + 1));
				expect(await lastSeq(p.id)).to.equal(start[k] + 16);
			}
		});
	});
});
