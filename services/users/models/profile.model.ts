/**
 * The profile table as a model: DbMixin needs one entity per service. The
 * flows use SQL through the stores (store/), which lock rows explicitly.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";

export class ProfileModel extends Model {
	declare id: string;
	declare username: string;
	declare displayName: string;
}

export const Profile: ModelDefinition = {
	name: "Profile",
	init(sequelize: Sequelize, schema: string) {
		ProfileModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				username: { type: DataTypes.TEXT, allowNull: false },
				displayName: { type: DataTypes.TEXT, allowNull: false }
			},
			{ sequelize, schema, tableName: "profiles", modelName: "Profile", underscored: true, timestamps: true }
		);
		return ProfileModel;
	}
};
