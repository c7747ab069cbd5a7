/** Every template by id. Ids read `<category>.<what>`, the same as the notification types. */
import { commerceOrdersTemplates } from "./commerce-orders";
import { commerceShopsTemplates } from "./commerce-shops";
import { eventsTemplates } from "./events";
import { messagesTemplates } from "./messages";
import { otpTemplates } from "./otp";
import { paymentsTemplates } from "./payments";
import { securityTemplates } from "./security";
import { socialTemplates } from "./social";
import { socialActivityTemplates } from "./social-activity";
import { usersTemplates } from "./users";
import type { Template } from "./types";

export const TEMPLATES = { ...otpTemplates, ...securityTemplates, ...socialTemplates, ...socialActivityTemplates, ...usersTemplates, ...paymentsTemplates, ...messagesTemplates, ...commerceShopsTemplates, ...commerceOrdersTemplates, ...eventsTemplates } satisfies Record<string, Template>;

export type TemplateId = keyof typeof TEMPLATES;

export function template(id: TemplateId): Template {
	return TEMPLATES[id];
}

export type { Template, TemplateTexts } from "./types";
