/**
 * The one Sequelize model moleculer-db needs to bind the service to its
 * schema. Everything that moves money goes through the SQL stores (store/*)
 * inside explicit transactions with row locks (DESIGN.md §8).
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../mixins/db.mixin";

class PaymentMethodModel extends Model {}

export const PaymentMethod: ModelDefinition = {
	name: "PaymentMethod",
	init(sequelize: Sequelize, schema: string) {
		PaymentMethodModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				userId: { type: DataTypes.UUID, allowNull: false },
				provider: { type: DataTypes.TEXT, allowNull: false },
				phone: { type: DataTypes.TEXT, allowNull: false }
			},
			{ sequelize, schema, tableName: "payment_methods", modelName: "PaymentMethod", underscored: true, timestamps: false }
		);
		return PaymentMethodModel;
	}
};
