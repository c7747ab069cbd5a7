/** Every refresh token a session was given, by hash; `usedAt` marks the spent ones (reuse detection). */
import { DataTypes, Model, type Sequelize } from "sequelize";

export class RefreshToken extends Model {
	declare tokenHash: string;
	declare sessionId: string;
	declare generation: number;
	declare usedAt: Date | null;
	declare createdAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return RefreshToken.init(
			{
				tokenHash: { type: DataTypes.TEXT, primaryKey: true },
				sessionId: { type: DataTypes.UUID, allowNull: false },
				generation: { type: DataTypes.INTEGER, allowNull: false },
				usedAt: DataTypes.DATE
			},
			{ sequelize, schema, tableName: "refresh_tokens", modelName: "RefreshToken", underscored: true, updatedAt: false }
		);
	}
}
