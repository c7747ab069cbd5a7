/** The in-app notification (API.md: Notification). Grouped activity keeps its actors here. */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";
import type { Actor } from "../rules/grouping";

export class NotificationModel extends Model {
	declare id: string;
	declare userId: string;
	declare type: string;
	declare title: string;
	declare body: string;
	declare data: Record<string, string>;
	declare groupKey: string | null;
	declare actors: Actor[] | null;
	declare actorCount: number;
	declare readAt: Date | null;
	declare createdAt: Date;
	declare updatedAt: Date;
}

export const Notification: ModelDefinition = {
	name: "Notification",
	init(sequelize: Sequelize, schema: string) {
		NotificationModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				userId: { type: DataTypes.UUID, allowNull: false },
				type: { type: DataTypes.TEXT, allowNull: false },
				title: { type: DataTypes.TEXT, allowNull: false },
				body: { type: DataTypes.TEXT, allowNull: false },
				data: { type: DataTypes.JSONB, allowNull: false, defaultValue: {} },
				groupKey: { type: DataTypes.TEXT },
				actors: { type: DataTypes.JSONB },
				actorCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1 },
				readAt: { type: DataTypes.DATE },
				createdAt: { type: DataTypes.DATE, allowNull: false },
				updatedAt: { type: DataTypes.DATE, allowNull: false }
			},
			{ sequelize, schema, tableName: "notifications", modelName: "Notification", underscored: true, timestamps: true }
		);
		return NotificationModel;
	}
};

/** The public shape (API.md). */
export interface NotificationView {
	id: string;
	type: string;
	title: string;
	body: string;
	data: Record<string, string>;
	readAt: string | null;
	createdAt: string;
}

export function toView(n: Pick<NotificationModel, "id" | "type" | "title" | "body" | "data" | "readAt" | "createdAt">): NotificationView {
	return {
		id: n.id,
		type: n.type,
		title: n.title,
		body: n.body,
		data: n.data ?? {},
		readAt: n.readAt ? new Date(n.readAt).toISOString() : null,
		createdAt: new Date(n.createdAt).toISOString()
	};
}
