/**
 * The events table as a model: DbMixin needs one entity per service. The
 * flows use SQL through the stores (store/), which lock rows explicitly.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { ModelDefinition } from "../../../mixins/db.mixin";

export class EventModel extends Model {
	declare id: string;
	declare organizerId: string;
}

export const EventEntity: ModelDefinition = {
	name: "Event",
	init(sequelize: Sequelize, schema: string) {
		EventModel.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				organizerId: { type: DataTypes.UUID, allowNull: false }
			},
			{ sequelize, schema, tableName: "events", modelName: "Event", underscored: true, timestamps: false }
		);
		return EventModel;
	}
};
