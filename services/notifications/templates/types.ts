/** The shape of every template: the same texts in each language the platform speaks. */
import type { Language } from "../../../lib/events/catalogue";

export interface TemplateTexts {
	/** In-app and push title. */
	title: string;
	/** In-app and push body. */
	body: string;
	/** SMS: keep under 160 GSM-7 characters (one segment) once filled in. */
	sms: string;
	emailSubject: string;
	emailText: string;
	/** Inner HTML; the layout around it comes from rules/render.ts. */
	emailHtml: string;
}

export type Template = Record<Language, TemplateTexts>;

export const LANGUAGES: readonly Language[] = ["en", "sw"];
