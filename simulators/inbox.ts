/**
 * What the simulated providers received, kept in memory on the node that runs
 * the simulators (the gateway node), so every topology reads one inbox.
 * Bounded: the oldest entries go first.
 */
export class Inbox<T> {
	private items: T[] = [];

	constructor(private readonly max: number) {}

	add(item: T): void {
		this.items.push(item);
		if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
	}

	/** Matching entries in arrival order, the last `limit` of them. */
	find(match: (item: T) => boolean, limit: number): T[] {
		return this.items.filter(match).slice(-limit);
	}
}

/** "+255…", "255…" or "255… " (a "+" in a query string arrives as a space) → "+255…". */
export function normalisePhone(value: string): string {
	const digits = value.trim().replace(/^\+/, "");
	return /^\d+$/.test(digits) ? `+${digits}` : value.trim();
}

export interface SmsMessage {
	id: string;
	provider: "africastalking" | "beem";
	to: string;
	from: string | null;
	text: string;
	receivedAt: string;
}

export interface EmailMessage {
	id: string;
	messageId: string | null;
	from: string;
	to: string[];
	subject: string;
	text: string;
	html: string;
	receivedAt: string;
}

export interface PushMessage {
	id: string;
	projectId: string;
	token: string;
	notification: { title?: string; body?: string } | null;
	data: Record<string, string>;
	android: unknown;
	apns: unknown;
	receivedAt: string;
}

/** What an HTTP endpoint of a simulator answers. */
export interface SimResponse {
	status: number;
	body: unknown;
	/** Defaults to JSON. */
	type?: string;
	headers?: Record<string, string>;
	/** For 201 answers: where the created thing can be seen (the inbox). */
	location?: string;
}
