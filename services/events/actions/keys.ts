/** Signing-key routes (docs/events.md "Keys"). */
import { listKeys, rotateKey } from "../flows/keys";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

export const keyActions: ActionGroup = {
	eventKeys: {
		rest: "GET /:id/keys",
		// Public keys are public; "none" also lets a scanner app that sends its own bearer token everywhere read them.
		auth: "none",
		openapi: { summary: "The event's public keys for offline verification: { keys: [{ kid, alg: RS256, publicKeyPem }] } (not for drafts)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return listKeys(this.rt, ctx.params.id.toLowerCase());
		}
	},

	rotateKey: {
		rest: "POST /:id/keys/rotate",
		rateLimit: { window: 60_000, limit: 10 },
		openapi: { summary: "Organizer: sign new tickets with a new key; old keys stay published until their tickets expire" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return rotateKey(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	}
};
