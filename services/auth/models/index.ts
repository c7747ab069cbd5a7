/** The auth schema's models, as DbMixin wants them (name + init bound to the schema). */
import type { ModelDefinition } from "../../../mixins/db.mixin";
import { Account } from "./account.model";
import { KnownDevice } from "./known-device.model";
import { OAuthLink, OAuthState } from "./oauth.model";
import { Otp } from "./otp.model";
import { RefreshToken } from "./refresh-token.model";
import { Session } from "./session.model";
import { SigningKey } from "./signing-key.model";

const def = (name: string, init: ModelDefinition["init"]): ModelDefinition => ({ name, init });

export const accountModel = def("Account", (s, schema) => Account.setup(s, schema));
export const otherModels: ModelDefinition[] = [
	def("Session", (s, schema) => Session.setup(s, schema)),
	def("RefreshToken", (s, schema) => RefreshToken.setup(s, schema)),
	def("Otp", (s, schema) => Otp.setup(s, schema)),
	def("KnownDevice", (s, schema) => KnownDevice.setup(s, schema)),
	def("OAuthLink", (s, schema) => OAuthLink.setup(s, schema)),
	def("OAuthState", (s, schema) => OAuthState.setup(s, schema)),
	def("SigningKey", (s, schema) => SigningKey.setup(s, schema))
];

export { Account, KnownDevice, OAuthLink, OAuthState, Otp, RefreshToken, Session, SigningKey };
export type { AccountStatus } from "./account.model";
export type { PendingDevice } from "./oauth.model";
export type { OtpContext } from "./otp.model";
