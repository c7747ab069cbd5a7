/**
 * The messages domain's own variables (docs/configuration.md, "Messages").
 * Parsed once at service start; a bad value stops start-up naming the variable.
 */
import { int, type Env } from "../../lib/config/env";

export interface MessagesConfig {
	/** How long after sending the sender may still edit a message's text. */
	editWindowMs: number;
	/** A member's typing indicator is relayed at most once per this interval per conversation. */
	typingIntervalMs: number;
}

export function loadMessagesConfig(env: Env = process.env): MessagesConfig {
	return {
		editWindowMs: int(env, "MESSAGES_EDIT_WINDOW_MINUTES", 15, 0, 7 * 24 * 60) * 60_000,
		typingIntervalMs: int(env, "MESSAGES_TYPING_INTERVAL_MS", 3000, 0, 60_000)
	};
}
