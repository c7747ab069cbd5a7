/** Devices an account has completed a sign-in on: decides `newDevice` and the OTP-on-new-device challenge. */
import { DataTypes, Model, type Sequelize } from "sequelize";

export class KnownDevice extends Model {
	declare accountId: string;
	declare deviceId: string;
	declare firstSeenAt: Date;
	declare lastSeenAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return KnownDevice.init(
			{
				accountId: { type: DataTypes.UUID, primaryKey: true },
				deviceId: { type: DataTypes.TEXT, primaryKey: true },
				firstSeenAt: { type: DataTypes.DATE, allowNull: false },
				lastSeenAt: { type: DataTypes.DATE, allowNull: false }
			},
			{ sequelize, schema, tableName: "known_devices", modelName: "KnownDevice", underscored: true, timestamps: false }
		);
	}
}
