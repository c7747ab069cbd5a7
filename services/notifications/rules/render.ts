/**
 * Fills a template in the recipient's language. Variables are
 * `{{name}}`; a missing value is a programming error and throws rather than
 * sending "Hello {{name}}" to a user. Values put into HTML are escaped (device
 * names and display names are user input).
 */
import type { Language } from "../../../lib/events/catalogue";
import type { Template, TemplateTexts } from "../templates/types";

export interface RenderedMessage {
	title: string;
	body: string;
	sms: string;
	email: { subject: string; text: string; html: string };
}

const VARIABLE = /\{\{\s*([a-zA-Z][a-zA-Z0-9_]*)\s*\}\}/g;

export function variablesOf(text: string): string[] {
	return [...new Set([...text.matchAll(VARIABLE)].map(m => m[1]))].sort();
}

export function escapeHtml(value: string): string {
	return value.replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

export function fill(text: string, params: Record<string, string>, encode: (v: string) => string = v => v): string {
	return text.replace(VARIABLE, (_m, name: string) => {
		const value = params[name];
		if (value === undefined) throw new Error(`template variable {{${name}}} has no value`);
		return encode(value);
	});
}

/** The HTML document around a template's inner HTML. */
export function emailDocument(lang: Language, subject: string, inner: string): string {
	return (
		`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>` +
		`<body style="font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;max-width:560px;margin:0 auto;padding:24px">` +
		`<p style="font-size:20px;font-weight:bold;color:#0b6e4f">Nexgate</p>${inner}</body></html>`
	);
}

export function render(tpl: Template, lang: Language, params: Record<string, string>): RenderedMessage {
	const t: TemplateTexts = tpl[lang] ?? tpl.en;
	const subject = fill(t.emailSubject, params);
	return {
		title: fill(t.title, params),
		body: fill(t.body, params),
		sms: fill(t.sms, params),
		email: { subject, text: fill(t.emailText, params), html: emailDocument(lang, subject, fill(t.emailHtml, params, escapeHtml)) }
	};
}
