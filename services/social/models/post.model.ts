/**
 * The posts table as a model: DbMixin needs one entity per service. The
 * flows use SQL through the stores (store/), which lock rows explicitly.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";

export class PostModel extends Model {
	declare id: string;
	declare authorId: string;
}

export const Post: ModelDefinition = {
	name: "Post",
	init(sequelize: Sequelize, schema: string) {
		PostModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				authorId: { type: DataTypes.UUID, allowNull: false }
			},
			{ sequelize, schema, tableName: "posts", modelName: "Post", underscored: true, timestamps: false }
		);
		return PostModel;
	}
};
