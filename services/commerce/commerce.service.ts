/**
 * `commerce`: shops and seller verification, the catalog (products, variants,
 * images, categories) and its search (CAT); cart, checkout, orders and reviews
 * (ORD). Routes under /api/v1/commerce (API.md "commerce"); rules, limits and
 * decisions in docs/commerce.md.
 *
 * Internal actions (visibility public, no REST):
 *   commerce.productCards { ids } → Record<id, ProductCard>   (social, messages embed them)
 *   commerce.shopCards    { ids } → Record<id, ShopCard>
 *   commerce.canReadFile  { fileId, userId, ref } → { allowed }  (files asks for verification documents)
 * Durable events raised: commerce.shop.*, commerce.product.published (catalog).
 * Consumed (group "commerce"): declared in `channels` below (Moleculer mixins do not merge them).
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import { platformConfig } from "../../lib/config";
import type { WithChannels } from "../../lib/events/channels";
import type { EventEnvelope } from "../../lib/events/envelope";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { catalogActions } from "./actions/catalog";
import type { Locals, This } from "./actions/context";
import { productActions } from "./actions/products";
import { shopActions } from "./actions/shops";
import { verificationActions } from "./actions/verification";
import { cartActions } from "./actions/cart";
import { checkoutActions } from "./actions/checkout";
import { orderActions } from "./actions/orders";
import { reviewActions } from "./actions/reviews";
import { OrdersSweeper } from "./flows/completion";
import { onEscrowReleased, onIntentFailed, onIntentSucceeded } from "./flows/payments-consumer";
import { loadCommerceConfig } from "./config";
import { Shop } from "./models/shop.model";
import { Peers } from "./peers";

type Methods = DurableEventsMethods;

const CommerceService: WithChannels<ServiceSchema<ServiceSettingSchema, Methods, Locals & DbVars>> = {
	name: "commerce",
	mixins: [DbMixin({ database: "core", schema: "commerce", model: Shop }), DurableEventsMixin({ schema: "commerce" })],
	settings: { rest: "/commerce" },

	channels: {
		// ORD: payments' answers move orders (flows/payments-consumer.ts), each event once.
		"payments.intent.succeeded": {
			group: "commerce",
			async handler(this: This, e: EventEnvelope<"payments.intent.succeeded">) {
				await this.handleOnce("commerce", e, t => onIntentSucceeded(this.rt, t, e));
			}
		},
		"payments.intent.failed": {
			group: "commerce",
			async handler(this: This, e: EventEnvelope<"payments.intent.failed">) {
				await this.handleOnce("commerce", e, t => onIntentFailed(this.rt, t, e));
			}
		},
		"payments.intent.expired": {
			group: "commerce",
			async handler(this: This, e: EventEnvelope<"payments.intent.expired">) {
				await this.handleOnce("commerce", e, t => onIntentFailed(this.rt, t, e));
			}
		},
		"payments.escrow.released": {
			group: "commerce",
			async handler(this: This, e: EventEnvelope<"payments.escrow.released">) {
				await this.handleOnce("commerce", e, t => onEscrowReleased(this.rt, t, e));
			}
		}
	},

	actions: {
		...shopActions,
		...verificationActions,
		...productActions,
		...catalogActions,
		...cartActions,
		...checkoutActions,
		...orderActions,
		...reviewActions
	},

	started(this: This) {
		platformConfig(this.broker);
		this.rt = {
			sequelize: this.sequelize,
			broker: this.broker,
			cfg: loadCommerceConfig(),
			peers: new Peers(this.broker, this.logger),
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			logger: this.logger
		};
		this.rt.ordersSweeper = new OrdersSweeper(this.rt);
		this.rt.ordersSweeper.start();
	},

	async stopped(this: This) {
		await this.rt?.ordersSweeper?.stop();
	}
};

export default CommerceService;
