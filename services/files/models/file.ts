/**
 * A file record (migrations/core/files/0001-files.ts). The Sequelize model only
 * binds the domain to its pool through DbMixin; the stores read and write with
 * SQL (state changes lock rows), and this module turns a row into the public
 * File (API.md files).
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";
import type { FileKind, FileView, VariantName } from "../../../lib/files/file-view";

export type FileStatus = "awaiting_upload" | "processing" | "ready" | "failed" | "deleted";
export type { FileView, VariantName };

export interface StoredObject {
	key: string;
	mime: string;
	size: number;
	width?: number;
	height?: number;
}

export interface FileRow {
	id: string;
	ownerId: string;
	purpose: string;
	kind: FileKind;
	mime: string;
	size: number;
	status: FileStatus;
	failureReason: string | null;
	filename: string | null;
	width: number | null;
	height: number | null;
	durationMs: number | null;
	blurhash: string | null;
	originalKey: string | null;
	variants: Partial<Record<VariantName, StoredObject>>;
	ref: string | null;
	uploadExpiresAt: Date | null;
	createdAt: Date;
	readyAt: Date | null;
}

class FileModel extends Model {}

export const File: ModelDefinition = {
	name: "File",
	init(sequelize: Sequelize, schema: string) {
		FileModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				ownerId: { type: DataTypes.UUID, allowNull: false },
				purpose: { type: DataTypes.TEXT, allowNull: false },
				kind: { type: DataTypes.TEXT, allowNull: false },
				mime: { type: DataTypes.TEXT, allowNull: false },
				size: { type: DataTypes.BIGINT, allowNull: false },
				status: { type: DataTypes.TEXT, allowNull: false },
				createdAt: { type: DataTypes.DATE, allowNull: false },
				updatedAt: { type: DataTypes.DATE, allowNull: false }
			},
			{ sequelize, schema, tableName: "files", modelName: "File", underscored: true, timestamps: true }
		);
		return FileModel;
	}
};


/** Signs an object key into a URL the viewer can fetch. */
export type UrlFor = (obj: StoredObject, role: "original" | VariantName) => string;

export function toView(row: FileRow, urlFor: UrlFor): FileView {
	const ready = row.status === "ready";
	const view: FileView = {
		id: row.id,
		kind: row.kind,
		mime: row.mime,
		size: row.size,
		// An upload the client has not finished yet is, to the API, a file still being processed.
		status: row.status === "ready" ? "ready" : row.status === "failed" ? "failed" : "processing",
		purpose: row.purpose,
		url: null,
		variants: {},
		createdAt: row.createdAt.toISOString()
	};
	if (row.width !== null) view.width = row.width;
	if (row.height !== null) view.height = row.height;
	if (row.durationMs !== null) view.durationMs = row.durationMs;
	if (row.blurhash) view.blurhash = row.blurhash;
	if (row.status === "failed" && row.failureReason) view.failureReason = row.failureReason;
	if (ready && row.originalKey) view.url = urlFor({ key: row.originalKey, mime: row.mime, size: row.size }, "original");
	if (ready) for (const [name, obj] of Object.entries(row.variants)) if (obj) view.variants[name as VariantName] = urlFor(obj, name as VariantName);
	return view;
}
