/** Event routes: create, read, list/search, edit, publish, cancel (API.md "events"). */
import { paginationParams } from "../../../lib/pagination";
import { cancelEvent } from "../flows/cancel";
import { eventCards } from "../flows/cards";
import { createEvent, listEvents, publishEvent, readEvent, updateEvent, type CreateEventInput, type ListQuery } from "../flows/events";
import { CATEGORIES, DESCRIPTION_MAX, TITLE_MAX } from "../rules/event-input";
import { me, pathId, pick, type ActionGroup, type Ctx, type This } from "./context";

const venue = {
	type: "object",
	optional: true,
	nullable: true,
	strict: true,
	props: {
		name: { type: "string", max: 400 },
		address: { type: "string", max: 400 },
		city: { type: "string", max: 400 },
		region: { type: "string", max: 400, optional: true },
		country: { type: "string", max: 400, optional: true },
		lat: { type: "number" },
		lng: { type: "number" }
	}
} as const;

const refundPolicy = {
	type: "object",
	optional: true,
	strict: true,
	props: {
		refundable: { type: "boolean" },
		cutoffHours: { type: "number", integer: true, optional: true },
		percent: { type: "number", integer: true, optional: true }
	}
} as const;

const eventFields = {
	title: { type: "string", max: TITLE_MAX * 2 },
	description: { type: "string", max: DESCRIPTION_MAX * 2, optional: true },
	category: { type: "enum", values: CATEGORIES as unknown as string[] },
	startsAt: { type: "string", max: 64 },
	endsAt: { type: "string", max: 64 },
	timezone: { type: "string", max: 64 },
	venue,
	online: { type: "object", optional: true, nullable: true, strict: true, props: { url: { type: "string", max: 2000 } } },
	coverFileId: { type: "uuid", optional: true, nullable: true },
	refundPolicy
} as const;

const FIELD_NAMES = Object.keys(eventFields);
const optional = Object.fromEntries(Object.entries(eventFields).map(([k, v]) => [k, { ...v, optional: true }]));

export const eventActions: ActionGroup = {
	createEvent: {
		rest: "POST /",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: { summary: "Create an event as a draft; `warnings` lists the organizer's events it may duplicate", status: 201 },
		params: eventFields,
		async handler(this: This, ctx: Ctx<CreateEventInput>) {
			const res = await createEvent(this.rt, me(ctx), pick(ctx.params, FIELD_NAMES));
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/${res.event.id}`;
			return { ...res.event, warnings: res.warnings };
		}
	},

	listEvents: {
		rest: "GET /",
		auth: "optional",
		openapi: { summary: "Published events by text, date range, category and place (city, or near=lat,lng within radiusKm); mine=true lists my own in every state" },
		params: {
			q: { type: "string", max: 200, optional: true },
			from: { type: "string", max: 64, optional: true },
			to: { type: "string", max: 64, optional: true },
			category: { type: "string", max: 40, optional: true },
			city: { type: "string", max: 200, optional: true },
			near: { type: "string", max: 64, optional: true },
			radiusKm: { type: "number", min: 0.1, max: 500, optional: true, convert: true },
			mine: { type: "boolean", optional: true, convert: true },
			...paginationParams
		},
		handler(this: This, ctx: Ctx<ListQuery>) {
			return listEvents(this.rt, ctx.meta.user?.userId ?? null, ctx.params);
		}
	},

	getEvent: {
		rest: "GET /:id",
		auth: "optional",
		openapi: { summary: "An event with its ticket types (hidden ones only for the organizer or with ?code=)" },
		params: { ...pathId, code: { type: "string", max: 64, optional: true } },
		handler(this: This, ctx: Ctx<{ id: string; code?: string }>) {
			return readEvent(this.rt, ctx.meta.user?.userId ?? null, ctx.params.id.toLowerCase(), ctx.params.code);
		}
	},

	updateEvent: {
		rest: "PATCH /:id",
		openapi: { summary: "Edit my event (draft or published); `warnings` as on create" },
		params: { ...pathId, ...optional },
		async handler(this: This, ctx: Ctx<CreateEventInput & { id: string }>) {
			const res = await updateEvent(this.rt, me(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, FIELD_NAMES));
			return { ...res.event, warnings: res.warnings };
		}
	},

	publishEvent: {
		rest: "POST /:id/publish",
		openapi: { summary: "Publish my draft (it needs a ticket type); postToFeed asks social to post it for me" },
		params: { ...pathId, postToFeed: { type: "boolean", optional: true, default: false } },
		handler(this: This, ctx: Ctx<{ id: string; postToFeed: boolean }>) {
			return publishEvent(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.postToFeed);
		}
	},

	cancelEvent: {
		rest: "POST /:id/cancel",
		openapi: { summary: "Cancel my event: every booking is cancelled, its tickets revoked, paid ones refunded in full, attendees told" },
		params: { ...pathId, reason: { type: "string", max: 1000, optional: true } },
		handler(this: This, ctx: Ctx<{ id: string; reason?: string }>) {
			return cancelEvent(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.reason ?? null);
		}
	},

	// ---- internal ----
	eventCards: {
		visibility: "public",
		params: { ids: { type: "array", items: "uuid", max: 500 } },
		handler(this: This, ctx: Ctx<{ ids: string[] }>) {
			return eventCards(this.rt, ctx.params.ids);
		}
	}
};
