/**
 * An event about a user whose registration has not been processed yet
 * (events of different types travel on different queues, so order is not
 * guaranteed). Thrown inside the consumer's transaction: nothing is recorded
 * and the bus redelivers the event with backoff, by which time the user is
 * known. A user never announced at all ends in the dead-letter queue.
 */
export class RecipientNotKnownYet extends Error {
	constructor(readonly userId: string) {
		super(`recipient ${userId} is not in the directory yet`);
		this.name = "RecipientNotKnownYet";
	}
}
