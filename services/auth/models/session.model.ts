/** A signed-in device: one refresh-token family, with where and how it signed in. */
import { DataTypes, Model, type Sequelize } from "sequelize";

export class Session extends Model {
	declare id: string;
	declare accountId: string;
	declare deviceId: string;
	declare deviceName: string | null;
	declare platform: string | null;
	declare userAgent: string | null;
	declare ip: string | null;
	/** How it signed in: password, otp, register, oauth:<provider>. */
	declare method: string;
	declare lastSeenAt: Date;
	declare idleExpiresAt: Date;
	declare absoluteExpiresAt: Date;
	declare revokedAt: Date | null;
	declare revokeReason: string | null;
	declare createdAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return Session.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				accountId: { type: DataTypes.UUID, allowNull: false },
				deviceId: { type: DataTypes.TEXT, allowNull: false },
				deviceName: DataTypes.TEXT,
				platform: DataTypes.TEXT,
				userAgent: DataTypes.TEXT,
				ip: DataTypes.TEXT,
				method: { type: DataTypes.TEXT, allowNull: false },
				lastSeenAt: { type: DataTypes.DATE, allowNull: false },
				idleExpiresAt: { type: DataTypes.DATE, allowNull: false },
				absoluteExpiresAt: { type: DataTypes.DATE, allowNull: false },
				revokedAt: DataTypes.DATE,
				revokeReason: DataTypes.TEXT
			},
			{ sequelize, schema, tableName: "sessions", modelName: "Session", underscored: true, updatedAt: false }
		);
	}
}
