/**
 * The orders sweeper (each commerce node, every COMMERCE_ORDER_SWEEP_SECONDS;
 * also `commerce.sweepOrders` for operators and tests). Each order is handled
 * in its own transaction under its row lock with the state machine's checks,
 * so nodes sweeping together never apply a step twice.
 *
 * - Shipped orders the buyer never confirmed become delivered after
 *   COMMERCE_AUTO_DELIVER_HOURS: payments.markDelivered starts the escrow's
 *   auto-release window, and when payments releases it the order completes
 *   (payments.escrow.released) unless the buyer disputes first.
 * - Unpaid orders whose stock hold lapsed more than COMMERCE_PAYMENT_GRACE_SECONDS
 *   ago: normally payments' own expiry event cancelled them long before; if it
 *   did not (a lost checkout step, payments down), payments is asked: a final
 *   failure cancels, a success is left to its event, an open intent waits.
 */
import { inTransaction } from "../../../lib/db/transaction";
import type { CommerceRuntime } from "../runtime";
import { findOrder, shippedBefore, unpaidPastHold } from "../store/orders";
import { applyTransition, dbOf, orderPurpose } from "./orders";
import { cancelUnpaid } from "./payments-consumer";

const BATCH = 100;

export interface SweepResult {
	delivered: number;
	expired: number;
}

export async function sweepOrders(rt: CommerceRuntime): Promise<SweepResult> {
	const out: SweepResult = { delivered: 0, expired: 0 };
	const before = new Date(Date.now() - rt.cfg.orders.autoDeliverHours * 3_600_000);
	for (const id of await shippedBefore(dbOf(rt), before, BATCH)) {
		try {
			const done = await inTransaction(rt.sequelize, async t => {
				const o = await findOrder(dbOf(rt, t), id, true);
				if (!o || o.status !== "shipped") return false;
				await rt.broker.call("payments.markDelivered", { purpose: orderPurpose(o.id) });
				await applyTransition(rt, t, o, { action: "deliver", actor: "system", actorId: null, note: "not confirmed by the buyer in time" });
				return true;
			});
			if (done) out.delivered += 1;
		} catch (err) {
			rt.logger.warn(`commerce: marking order ${id} delivered failed: ${(err as Error).message}`);
		}
	}
	for (const row of await unpaidPastHold(dbOf(rt), rt.cfg.orders.paymentGraceSeconds, BATCH)) {
		try {
			let reason: "payment_failed" | "payment_expired" | null = "payment_expired";
			if (row.intent_id) {
				const intent = await rt.broker.call<{ status: string }, { id: string }>("payments.getIntent", { id: row.intent_id });
				reason = intent.status === "failed" || intent.status === "cancelled" ? "payment_failed" : intent.status === "expired" ? "payment_expired" : null;
			}
			if (!reason) continue;
			const why = reason;
			const done = await inTransaction(rt.sequelize, async t => {
				const o = await findOrder(dbOf(rt, t), row.id, true);
				if (!o || o.status !== "pending_payment") return false;
				await cancelUnpaid(rt, t, o, why);
				return true;
			});
			if (done) out.expired += 1;
		} catch (err) {
			rt.logger.warn(`commerce: expiring unpaid order ${row.id} failed: ${(err as Error).message}`);
		}
	}
	return out;
}

/** Runs the sweep on a timer until stopped; one run at a time per node. */
export class OrdersSweeper {
	private timer: NodeJS.Timeout | null = null;
	private running: Promise<unknown> | null = null;

	constructor(private readonly rt: CommerceRuntime) {}

	start(): void {
		const every = this.rt.cfg.orders.sweepSeconds * 1000;
		const tick = () => {
			this.running = sweepOrders(this.rt)
				.catch(err => this.rt.logger.warn(`commerce: order sweep failed: ${(err as Error).message}`))
				.finally(() => {
					this.running = null;
					if (this.timer) this.timer = setTimeout(tick, every);
				});
		};
		this.timer = setTimeout(tick, every);
	}

	async stop(): Promise<void> {
		const t = this.timer;
		this.timer = null;
		if (t) clearTimeout(t);
		await this.running;
	}
}
