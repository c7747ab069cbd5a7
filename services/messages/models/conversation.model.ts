/**
 * The conversation table as a model: DbMixin needs one entity per service.
 * The flows use SQL through the stores (store/), which lock rows explicitly.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";

export class ConversationModel extends Model {
	declare id: string;
	declare kind: string;
}

export const Conversation: ModelDefinition = {
	name: "Conversation",
	init(sequelize: Sequelize, schema: string) {
		ConversationModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				kind: { type: DataTypes.TEXT, allowNull: false },
				title: { type: DataTypes.TEXT, allowNull: true }
			},
			{ sequelize, schema, tableName: "conversations", modelName: "Conversation", underscored: true, timestamps: false }
		);
		return ConversationModel;
	}
};
