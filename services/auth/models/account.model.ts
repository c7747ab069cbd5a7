/** An account: who signs in, with what, and in which state (pending → active ⇄ suspended; → deleted). */
import { DataTypes, Model, type Sequelize } from "sequelize";

export type AccountStatus = "pending" | "active" | "suspended" | "deleted";

export class Account extends Model {
	declare id: string;
	declare username: string;
	declare displayName: string;
	declare phone: string | null;
	declare email: string | null;
	declare phoneVerifiedAt: Date | null;
	declare emailVerifiedAt: Date | null;
	declare passwordHash: string | null;
	declare language: "en" | "sw";
	declare roles: string[];
	declare status: AccountStatus;
	declare otpOnNewDevice: boolean;
	declare statusReason: string | null;
	declare statusChangedAt: Date | null;
	declare statusChangedBy: string | null;
	declare passwordChangedAt: Date | null;
	declare createdAt: Date;
	declare updatedAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return Account.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				username: { type: DataTypes.TEXT, allowNull: false },
				displayName: { type: DataTypes.TEXT, allowNull: false },
				phone: DataTypes.TEXT,
				email: DataTypes.TEXT,
				phoneVerifiedAt: DataTypes.DATE,
				emailVerifiedAt: DataTypes.DATE,
				passwordHash: DataTypes.TEXT,
				language: { type: DataTypes.TEXT, allowNull: false, defaultValue: "en" },
				roles: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: ["user"] },
				status: { type: DataTypes.TEXT, allowNull: false, defaultValue: "pending" },
				otpOnNewDevice: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
				statusReason: DataTypes.TEXT,
				statusChangedAt: DataTypes.DATE,
				statusChangedBy: DataTypes.UUID,
				passwordChangedAt: DataTypes.DATE
			},
			{ sequelize, schema, tableName: "accounts", modelName: "Account", underscored: true }
		);
	}
}
