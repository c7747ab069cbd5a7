/**
 * OAuth: links (provider subject → account) and pending sign-ins (state,
 * nonce, PKCE verifier), kept server-side for 10 minutes and used once.
 */
import { DataTypes, Model, type Sequelize } from "sequelize";

export class OAuthLink extends Model {
	declare provider: string;
	declare subject: string;
	declare accountId: string;
	declare email: string | null;
	declare createdAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return OAuthLink.init(
			{
				provider: { type: DataTypes.TEXT, primaryKey: true },
				subject: { type: DataTypes.TEXT, primaryKey: true },
				accountId: { type: DataTypes.UUID, allowNull: false },
				email: DataTypes.TEXT
			},
			{ sequelize, schema, tableName: "oauth_links", modelName: "OAuthLink", underscored: true, updatedAt: false }
		);
	}
}

export interface PendingDevice {
	id: string;
	name: string | null;
	platform: string | null;
}

export class OAuthState extends Model {
	declare stateHash: string;
	declare provider: string;
	declare nonce: string;
	declare codeVerifier: string;
	declare device: PendingDevice;
	declare language: "en" | "sw";
	declare expiresAt: Date;
	declare createdAt: Date;

	static setup(sequelize: Sequelize, schema: string) {
		return OAuthState.init(
			{
				stateHash: { type: DataTypes.TEXT, primaryKey: true },
				provider: { type: DataTypes.TEXT, allowNull: false },
				nonce: { type: DataTypes.TEXT, allowNull: false },
				codeVerifier: { type: DataTypes.TEXT, allowNull: false },
				device: { type: DataTypes.JSONB, allowNull: false },
				language: { type: DataTypes.TEXT, allowNull: false },
				expiresAt: { type: DataTypes.DATE, allowNull: false }
			},
			{ sequelize, schema, tableName: "oauth_states", modelName: "OAuthState", underscored: true, updatedAt: false }
		);
	}
}
