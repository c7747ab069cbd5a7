/**
 * Group commit of sends (docs/messages.md "Performance"). A send that passed
 * its checks (flows/send.ts) queues here; one batch per process is in flight
 * at a time (lib/batch-queue.ts), and whatever queued meanwhile is the next
 * batch, written in one statement and one commit (store/send-batch.ts)
 * instead of one per message. A lone send costs nothing extra: a batch of
 * one is the single send's statement (store/messages.ts).
 *
 * Every send keeps its own answer. A twin in the batch (same conversation,
 * sender and clientId) is answered with the first one's message. A batch
 * that fails as a whole — one of its sends refused under the lock, or any
 * other error — is sent again one message at a time, where a refusal is
 * that message's own answer and the others land.
 */
import { BatchQueue } from "../../../lib/batch-queue";
import { MessagesError } from "../errors";
import { twinsInBatch } from "../rules/send-batch";
import type { MessagesRuntime } from "../runtime";
import { findByClientId, SendAborted, sendInOneStatement, type MessageRow, type SendOutcome } from "../store/messages";
import { sendBatchInOneStatement, type BatchedSend } from "../store/send-batch";

export type QueuedSend = BatchedSend & {
	/** Members this send's checks saw on a socket (not notified). */
	online: string[];
};

/** `created`: stored by this send; otherwise `row` is the message its clientId already named (no frame again). */
export type Sent = SendOutcome & { created: boolean };

/** Sends per batch at most: bounds one statement's size and the conversation locks' time. */
export const MAX_BATCH = 100;

const queues = new WeakMap<MessagesRuntime, BatchQueue<QueuedSend, Sent>>();

export function queueSend(rt: MessagesRuntime, send: QueuedSend): Promise<Sent> {
	let queue = queues.get(rt);
	if (!queue) {
		queue = new BatchQueue<QueuedSend, Sent>((_key, sends) => sendBatch(rt, sends), MAX_BATCH);
		queues.set(rt, queue);
	}
	// One key: sends to every conversation share a batch (the statement locks them in id order).
	return queue.submit("sends", send);
}

async function sendBatch(rt: MessagesRuntime, sends: QueuedSend[]): Promise<Array<Sent | Error>> {
	if (sends.length === 1) return [await sendAlone(rt, sends[0])];
	const twins = twinsInBatch(sends);
	const firsts = sends.filter((_s, i) => !twins.has(i));
	const online = [...new Set(firsts.flatMap(s => s.online))];
	// Throws SendAborted("batch_refused") when any send would be refused: the queue then sends each alone.
	const outcomes = await retryOnDeadlock(() => sendBatchInOneStatement({ sequelize: rt.sequelize }, firsts, online));
	const byId = new Map(firsts.map((s, i) => [s.id, outcomes[i]]));
	if (outcomes.some(o => o.notified.length > 0)) rt.kickOutbox();
	return sends.map((s, i) => {
		const twinOf = twins.get(i);
		if (twinOf === undefined) return { ...(byId.get(s.id) as SendOutcome), created: true };
		const first = byId.get(sends[twinOf].id) as SendOutcome;
		return { row: first.row, memberIds: first.memberIds, notified: [], created: false };
	});
}

/** One send in its own statement: its refusal (or a clientId already taken) is its own answer. */
async function sendAlone(rt: MessagesRuntime, s: QueuedSend): Promise<Sent | Error> {
	const db = { sequelize: rt.sequelize };
	try {
		const outcome = await retryOnDeadlock(() => sendInOneStatement(db, s));
		if (!outcome) return MessagesError.conversationNotFound();
		if (outcome.notified.length) rt.kickOutbox();
		return { ...outcome, created: true };
	} catch (err) {
		if (!(err instanceof SendAborted)) throw err;
		// Left (or was removed) since the checks.
		if (err.reason === "not_member") return MessagesError.conversationNotFound();
		// Stored before (a retry after the first landed, or a parallel retry that won): that message.
		const row = (await findByClientId(db, s.conversationId, s.senderId, s.clientId)) as MessageRow;
		return { row, memberIds: [], notified: [], created: false };
	}
}

/** A statement is its own transaction; a deadlock (never expected: conversations are locked in id order) is retried. */
async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await work();
		} catch (err) {
			const code = (err as { parent?: { code?: string } }).parent?.code;
			if (attempt >= 3 || (code !== "40P01" && code !== "40001")) throw err;
			await new Promise(r => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
		}
	}
}
