/**
 * `files`: uploads, validation by content, image variants and BlurHash, video
 * transcoding, object storage and access (DESIGN.md §6.4, API.md "files",
 * docs/files.md for limits, URLs and decisions).
 *
 * Runs beside `api` (the gateway's node group): multipart bytes reach
 * ctx.stream in-process and never ride on RabbitMQ.
 *
 * Routes under /api/v1/files (see each action's `rest`). Internal actions
 * (visibility "public", no REST), for the domains that attach media:
 *   files.claim   { ownerId, fileIds, purpose, ref } → File[]   (422 FILE_NOT_USABLE { fileId })
 *   files.release { fileIds, ref }                   → { released }
 *   files.views   { ids, viewerId? }                 → Record<id, File>
 *   files.sweep   {}                                 → { expired, purged } (operators, tests)
 * Calls <domain>.canReadFile { fileId, userId, ref } → { allowed } for private files.
 * Durable events: files.file.ready, files.file.failed.
 */
import crypto from "node:crypto";
import type { Readable } from "node:stream";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import "../api/action-options";
import { multipartRest, type GatewayUser } from "../api/action-options";
import { platformConfig } from "../../lib/config";
import { unauthorized } from "../../lib/errors";
import { DbMixin } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { loadFilesConfig, type FilesConfig } from "./config";
import { Sweeper, sweep } from "./flows/housekeeping";
import { claimFiles, deleteFile, readFile, releaseFiles, viewFiles } from "./flows/manage";
import { completeUpload, startUpload, type UploadRequest } from "./flows/presigned";
import { uploadFromStream } from "./flows/upload";
import { viewOf } from "./flows/views";
import { VideoWorker } from "./media/video-worker";
import { File, type FileView } from "./models/file";
import { PURPOSES, type Purpose } from "./rules/limits";
import type { FilesRuntime } from "./runtime";
import { ObjectStore } from "./store/object-store";

type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string };
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	sequelize: Sequelize;
	cfg: FilesConfig;
	rt: FilesRuntime;
	worker: VideoWorker;
	sweeper: Sweeper;
}

type This = Locals & DurableEventsMethods & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

function userOf(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const purpose = { type: "enum", values: [...PURPOSES] } as const;
const ids = { type: "array", items: "uuid", min: 1, max: 100 } as const;
const ref = { type: "string", min: 3, max: 200, pattern: /^[a-z][a-z0-9-]*:\S+$/ } as const;

const FILE_SCHEMA = {
	type: "object",
	properties: {
		id: { type: "string", format: "uuid" },
		kind: { enum: ["image", "video", "document", "audio"] },
		mime: { type: "string" },
		size: { type: "integer" },
		status: { enum: ["processing", "ready", "failed"] },
		purpose: { type: "string" },
		url: { type: ["string", "null"] },
		width: { type: "integer" },
		height: { type: "integer" },
		durationMs: { type: "integer" },
		blurhash: { type: "string" },
		variants: {
			type: "object",
			properties: { thumb: { type: "string" }, medium: { type: "string" }, large: { type: "string" }, poster: { type: "string" }, mp4: { type: "string" } }
		},
		failureReason: { type: "string" },
		createdAt: { type: "string", format: "date-time" }
	}
};

const FilesService: ServiceSchema<ServiceSettingSchema, DurableEventsMethods, Locals> & { merged(schema: ServiceSchema): void } = {
	name: "files",
	mixins: [DbMixin({ database: "core", schema: "files", model: File }), DurableEventsMixin({ schema: "files" })],

	/** The multipart limits travel with the route to the gateway: busboy ends a part past them with a 413. */
	merged(schema) {
		const { multipartMaxBytes } = loadFilesConfig();
		(schema.actions as Record<string, { rest: unknown }>).upload.rest = multipartRest("POST /", { files: 1, fields: 5, fieldSize: 1024, fileSize: multipartMaxBytes + 1 });
	},

	actions: {
		upload: {
			rest: multipartRest("POST /", { files: 1 }),
			rateLimit: { window: 60_000, limit: 60 },
			openapi: {
				summary: "Upload a file (multipart/form-data: `purpose`, then `file`)",
				description:
					"Validated by content: type from the bytes, size per kind, SVG/HTML refused. Images come back ready with WebP variants; " +
					"a video comes back processing (ready/failed later). Larger files: POST /files/uploads.",
				status: 201,
				response: FILE_SCHEMA
			},
			params: { purpose, $filename: { type: "string", optional: true } },
			async handler(this: This, ctx: Ctx<{ purpose: Purpose; $filename?: string }>) {
				const row = await uploadFromStream(this.rt, userOf(ctx), ctx.params.purpose, (ctx.stream ?? undefined) as Readable | undefined, ctx.params.$filename ?? null);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/files/${row.id}`;
				return viewOf(this.rt, row);
			}
		},

		createUpload: {
			rest: "POST /uploads",
			rateLimit: { window: 60_000, limit: 60 },
			openapi: {
				summary: "Start a direct upload: a presigned PUT URL for the bytes, then POST /files/:id/complete",
				status: 201,
				response: {
					type: "object",
					properties: { fileId: { type: "string" }, uploadUrl: { type: "string" }, method: { const: "PUT" }, expiresAt: { type: "string", format: "date-time" } }
				}
			},
			params: {
				filename: { type: "string", min: 1, max: 255 },
				mime: { type: "string", min: 3, max: 100 },
				size: { type: "number", integer: true, positive: true, convert: true },
				purpose
			},
			async handler(this: This, ctx: Ctx<UploadRequest>) {
				const ticket = await startUpload(this.rt, userOf(ctx), ctx.params);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/files/${ticket.fileId}`;
				return ticket;
			}
		},

		complete: {
			rest: "POST /:id/complete",
			openapi: { summary: "Finish a direct upload: the bytes are checked and processed", response: FILE_SCHEMA },
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				return viewOf(this.rt, await completeUpload(this.rt, userOf(ctx), ctx.params.id));
			}
		},

		get: {
			rest: "GET /:id",
			auth: "optional",
			openapi: { summary: "A file with its current URLs (private files: owner and whom the owning domain allows)", response: FILE_SCHEMA },
			params: { id: "uuid" },
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return readFile(this.rt, ctx.meta.user?.userId ?? null, ctx.params.id);
			}
		},

		remove: {
			rest: "DELETE /:id",
			openapi: { summary: "Delete my file and every variant (409 while a domain holds it)", status: 204 },
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await deleteFile(this.rt, userOf(ctx), ctx.params.id);
				ctx.meta.$statusCode = 204;
			}
		},

		claim: {
			visibility: "public",
			params: { ownerId: "uuid", fileIds: ids, purpose, ref },
			handler(this: This, ctx: Ctx<{ ownerId: string; fileIds: string[]; purpose: Purpose; ref: string }>): Promise<FileView[]> {
				return claimFiles(this.rt, ctx.params);
			}
		},

		release: {
			visibility: "public",
			params: { fileIds: { ...ids, min: 0 }, ref },
			handler(this: This, ctx: Ctx<{ fileIds: string[]; ref: string }>) {
				return releaseFiles(this.rt, ctx.params.fileIds, ctx.params.ref);
			}
		},

		views: {
			visibility: "public",
			params: { ids: { type: "array", items: "uuid", max: 500 }, viewerId: { type: "uuid", optional: true } },
			handler(this: This, ctx: Ctx<{ ids: string[]; viewerId?: string }>) {
				return viewFiles(this.rt, ctx.params.ids, ctx.params.viewerId ?? null);
			}
		},

		sweep: {
			visibility: "public",
			handler(this: This) {
				return sweep(this.rt);
			}
		}
	},

	created(this: This) {
		const platform = platformConfig(this.broker);
		if (!platform.s3) throw new Error("files needs object storage: S3_ENDPOINT, or the embedded one started by the node");
		this.cfg = loadFilesConfig();
		const store = new ObjectStore(platform.s3, this.cfg.publicS3Url);
		this.rt = {
			db: () => ({ sequelize: this.sequelize }),
			store,
			cfg: this.cfg,
			tools: { ffmpegPath: this.cfg.ffmpegPath, ffprobePath: this.cfg.ffprobePath },
			// Unique per start: a restarted node with the same id must not pass for the one that held a lease.
			nodeId: `${this.broker.nodeID}:${crypto.randomBytes(4).toString("hex")}`,
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			call: (action, params) => this.broker.call(action, params),
			kickVideo: () => this.worker?.kick(),
			warn: (message, err) => this.logger.warn(message, err === undefined ? "" : ((err as Error)?.message ?? err))
		};
		this.worker = new VideoWorker(this.rt);
		this.sweeper = new Sweeper(this.rt);
	},

	async started(this: This) {
		// Not a readiness check: files shares the gateway's node, and an object store outage must not take
		// the whole API out of rotation. Uploads answer 503 STORAGE_UNAVAILABLE meanwhile.
		await this.rt.store.ensureBucket().catch(err => this.logger.warn("files: could not check the bucket; uploads fail until the object store answers", err.message));
		if (this.cfg.videoConcurrency > 0) this.worker.start();
		this.sweeper.start();
	},

	async stopped(this: This) {
		await this.sweeper.stop();
		await this.worker.stop();
	}
};

export default FilesService;
