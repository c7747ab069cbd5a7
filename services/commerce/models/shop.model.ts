/**
 * The shops table as a model: DbMixin needs one entity per service. The
 * flows use SQL through the stores (store/), which lock rows explicitly.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";

export class ShopModel extends Model {
	declare id: string;
	declare ownerId: string;
}

export const Shop: ModelDefinition = {
	name: "Shop",
	init(sequelize: Sequelize, schema: string) {
		ShopModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				ownerId: { type: DataTypes.UUID, allowNull: false }
			},
			{ sequelize, schema, tableName: "shops", modelName: "Shop", underscored: true, timestamps: false }
		);
		return ShopModel;
	}
};
