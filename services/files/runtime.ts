/**
 * What the flows need from the running service, passed explicitly so they
 * stay plain functions: the pool, object storage, configuration, durable
 * events and calls to other domains.
 */
import type { Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { FilesConfig } from "./config";
import type { VideoTools } from "./media/video";
import type { ObjectStore } from "./store/object-store";
import type { Db } from "../../lib/db/sql";

export interface FilesRuntime {
	db(): Db;
	store: ObjectStore;
	cfg: FilesConfig;
	tools: VideoTools;
	/** This node's id: the worker name on the video jobs it holds. */
	nodeId: string;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	call<R>(action: string, params: Record<string, unknown>): Promise<R>;
	/** Wakes the video worker (a job was queued). */
	kickVideo(): void;
	warn(message: string, err?: unknown): void;
}
