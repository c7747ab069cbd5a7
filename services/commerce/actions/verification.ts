/**
 * Seller verification and moderation: submit documents, the admin queue,
 * approve, reject with a reason, suspend, reinstate; and files' access check
 * for the documents (API.md "commerce"; docs/commerce.md "Verification").
 */
import type { Context } from "moleculer";
import { paginationParams } from "../../../lib/pagination";
import { canReadFile, currentVerification, decide, moderate, queue, submitVerification, type SubmitInput } from "../flows/verification";
import { SHOP_LIMITS } from "../rules/shop-input";
import { admin, isAdmin, me, pathId, type ActionGroup, type Ctx, type This } from "./context";

const reason = { type: "string", max: SHOP_LIMITS.reasonMax * 2 } as const;
const viewer = (ctx: Ctx<unknown>) => ({ userId: me(ctx), admin: isAdmin(ctx) });

export const verificationActions: ActionGroup = {
	submitVerification: {
		rest: "POST /shops/:id/verification",
		rateLimit: { window: 3_600_000, limit: 10 },
		openapi: { summary: "Submit my shop for verification: documents (private files of purpose verification), national ID number, business registration", status: 201 },
		params: {
			...pathId,
			documentFileIds: { type: "array", items: "uuid", min: 1, max: 10 },
			nationalId: { type: "string", min: 1, max: 60 },
			businessRegNo: { type: "string", max: 80, optional: true }
		},
		async handler(this: This, ctx: Ctx<SubmitInput & { id: string }>) {
			const v = await submitVerification(this.rt, viewer(ctx), ctx.params.id.toLowerCase(), {
				documentFileIds: ctx.params.documentFileIds,
				nationalId: ctx.params.nationalId,
				businessRegNo: ctx.params.businessRegNo
			});
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/commerce/shops/${v.shopId}/verification`;
			return v;
		}
	},

	getVerification: {
		rest: "GET /shops/:id/verification",
		openapi: { summary: "My shop's latest verification submission and its decision (administrators: the full national ID)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return currentVerification(this.rt, viewer(ctx), ctx.params.id.toLowerCase());
		}
	},

	verificationQueue: {
		rest: "GET /verifications",
		auth: "admin",
		openapi: { summary: "Administrators: shops waiting for verification, oldest submission first, with their documents" },
		params: { ...paginationParams },
		handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
			return queue(this.rt, admin(ctx), ctx.params);
		}
	},

	approveShop: {
		rest: "POST /shops/:id/verification/approve",
		auth: "admin",
		openapi: { summary: "Administrators: approve the pending verification; the shop becomes active and the seller is told" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return decide(this.rt, admin(ctx), ctx.params.id.toLowerCase(), { action: "approve" });
		}
	},

	rejectShop: {
		rest: "POST /shops/:id/verification/reject",
		auth: "admin",
		openapi: { summary: "Administrators: reject the pending verification with a reason the seller sees; they may submit again" },
		params: { ...pathId, reason },
		handler(this: This, ctx: Ctx<{ id: string; reason: string }>) {
			return decide(this.rt, admin(ctx), ctx.params.id.toLowerCase(), { action: "reject", reason: ctx.params.reason });
		}
	},

	suspendShop: {
		rest: "POST /shops/:id/suspend",
		auth: "admin",
		openapi: { summary: "Administrators: suspend a shop (its products leave the catalog; no new orders)" },
		params: { ...pathId, reason },
		handler(this: This, ctx: Ctx<{ id: string; reason: string }>) {
			return moderate(this.rt, admin(ctx), ctx.params.id.toLowerCase(), "suspend", ctx.params.reason);
		}
	},

	reinstateShop: {
		rest: "POST /shops/:id/reinstate",
		auth: "admin",
		openapi: { summary: "Administrators: lift a suspension (active again if it was ever verified, else back to waiting)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return moderate(this.rt, admin(ctx), ctx.params.id.toLowerCase(), "reinstate");
		}
	},

	canReadFile: {
		visibility: "public",
		params: { fileId: "uuid", userId: { type: "uuid", optional: true, nullable: true }, ref: { type: "string", max: 200 } },
		handler(this: This, ctx: Context<{ fileId: string; userId?: string | null; ref: string }>) {
			return canReadFile(this.rt, { fileId: ctx.params.fileId, userId: ctx.params.userId ?? null, ref: ctx.params.ref });
		}
	}
};
