/** Twins in a batch of sends (services/messages/rules/send-batch.ts). */
import { expect } from "chai";
import { twinsInBatch } from "../../../services/messages/rules/send-batch";

const send = (conversationId: string, senderId: string, clientId: string) => ({ conversationId, senderId, clientId });

describe("messages: twins in a batch of sends", () => {
	it("points every repeat of a send at its first occurrence", () => {
		const twins = twinsInBatch([send("c1", "u1", "a"), send("c1", "u1", "a"), send("c2", "u1", "b"), send("c1", "u1", "a"), send("c2", "u1", "b")]);
		expect([...twins]).to.deep.equal([
			[1, 0],
			[3, 0],
			[4, 2]
		]);
	});

	it("the same clientId from another sender or in another conversation is another send", () => {
		expect(twinsInBatch([send("c1", "u1", "a"), send("c1", "u2", "a"), send("c2", "u1", "a")]).size).to.equal(0);
	});

	it("no sends, no twins", () => {
		expect(twinsInBatch([]).size).to.equal(0);
	});
});
