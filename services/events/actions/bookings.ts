/** Booking routes (API.md "events"): book with an Idempotency-Key, read, list mine, cancel. */
import { paginationParams } from "../../../lib/pagination";
import { book, listMyBookings, readBooking, type BookInput } from "../flows/bookings";
import { cancelBooking } from "../flows/cancel";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

export const bookingActions: ActionGroup = {
	book: {
		rest: "POST /:id/bookings",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: {
			summary:
				"Book tickets (send an Idempotency-Key): seats are held while the mobile-money payment runs; free tickets are issued at once. 201 { booking, payment }",
			status: 201
		},
		params: {
			...pathId,
			items: {
				type: "array",
				min: 1,
				max: 20,
				items: { type: "object", strict: true, props: { ticketTypeId: { type: "uuid" }, quantity: { type: "number", integer: true, min: 1, max: 1000 } } }
			},
			payment: {
				type: "object",
				optional: true,
				strict: true,
				props: {
					methodId: { type: "uuid", optional: true },
					provider: { type: "enum", values: ["mpesa", "selcom", "tembo"], optional: true },
					phone: { type: "string", max: 32, optional: true }
				}
			},
			unlockCode: { type: "string", max: 64, optional: true }
		},
		async handler(this: This, ctx: Ctx<BookInput & { id: string }>) {
			const { items, payment, unlockCode } = ctx.params;
			const res = await book(this.rt, me(ctx), ctx.params.id.toLowerCase(), { items, payment, unlockCode }, ctx.meta.idempotencyKey ?? null);
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/bookings/${res.booking.id}`;
			return res;
		}
	},

	myBookings: {
		rest: "GET /bookings",
		openapi: { summary: "My bookings, newest first" },
		params: { ...paginationParams },
		handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
			return listMyBookings(this.rt, me(ctx), ctx.params);
		}
	},

	getBooking: {
		rest: "GET /bookings/:id",
		openapi: { summary: "A booking (its buyer or the event's organizer)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return readBooking(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	},

	cancelBooking: {
		rest: "POST /bookings/:id/cancel",
		openapi: { summary: "Cancel my booking: its tickets are revoked and the organizer's refund policy decides what comes back" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return cancelBooking(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	}
};
