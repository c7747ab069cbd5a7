/** A one-time code sent to a phone or mailbox; only its HMAC is kept. */
import { DataTypes, Model, type Sequelize } from "sequelize";
import type { OtpPurpose } from "../../../lib/events/catalogue";

export interface OtpContext {
	/** A new-device sign-in waiting for this code: the device to bind the session to. */
	device?: { id: string; name: string | null; platform: string | null };
}

export class Otp extends Model {
	declare id: string;
	declare accountId: string | null;
	declare purpose: OtpPurpose;
	declare channel: "sms" | "email";
	declare destination: string;
	declare codeHash: string;
	declare attempts: number;
	declare expiresAt: Date;
	declare consumedAt: Date | null;
	declare context: OtpContext | null;
	declare createdAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return Otp.init(
			{
				id: { type: DataTypes.UUID, primaryKey: true },
				accountId: DataTypes.UUID,
				purpose: { type: DataTypes.TEXT, allowNull: false },
				channel: { type: DataTypes.TEXT, allowNull: false },
				destination: { type: DataTypes.TEXT, allowNull: false },
				codeHash: { type: DataTypes.TEXT, allowNull: false },
				attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
				expiresAt: { type: DataTypes.DATE, allowNull: false },
				consumedAt: DataTypes.DATE,
				context: DataTypes.JSONB
			},
			{ sequelize, schema, tableName: "otps", modelName: "Otp", underscored: true, updatedAt: false }
		);
	}
}
