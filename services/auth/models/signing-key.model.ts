/** Access-token signing keys: public JWK in clear, private key sealed with the KEK (rules/key-encryption). */
import { DataTypes, Model, type Sequelize } from "sequelize";

export class SigningKey extends Model {
	declare kid: string;
	declare publicJwk: Record<string, unknown>;
	declare privateKeySealed: string;
	declare createdAt: Date;
	/** When it stopped signing (a newer key took over); null for the current key. */
	declare retiredAt: Date | null;
	/** Until when it stays in the JWKS: its last tokens must still verify. */
	declare publishUntil: Date | null;

	static setup(sequelize: Sequelize, schema: string) {
		return SigningKey.init(
			{
				kid: { type: DataTypes.TEXT, primaryKey: true },
				publicJwk: { type: DataTypes.JSONB, allowNull: false },
				privateKeySealed: { type: DataTypes.TEXT, allowNull: false },
				retiredAt: DataTypes.DATE,
				publishUntil: DataTypes.DATE
			},
			{ sequelize, schema, tableName: "signing_keys", modelName: "SigningKey", underscored: true, updatedAt: false }
		);
	}
}
