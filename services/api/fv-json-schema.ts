/**
 * fastest-validator rules → JSON Schema (2020-12, the dialect of OpenAPI 3.1).
 *
 * Actions validate with fastest-validator `params`; the OpenAPI document shows
 * the same rules, so they are converted rather than written twice. Covers the
 * shorthand strings ("string|min:3|optional", "number[]"), `$$type` objects,
 * rule arrays (alternatives) and every built-in type; what JSON Schema cannot
 * express (custom checks, sanitisers like `trim`) is left out, never guessed.
 *
 * Definitions that crossed the transporter have lost functions and RegExps
 * (JSON), so a pattern may arrive as `{}`: such keywords are dropped.
 */

export type JsonSchema = Record<string, unknown>;

export interface ConvertedRule {
	schema: JsonSchema;
	/** Not required in its parent object (optional, has a default, or forbidden). */
	optional: boolean;
	/** `forbidden` rules: the property must be absent, so it is not documented. */
	omit: boolean;
}

type Rule = Record<string, unknown>;

/** fastest-validator's shorthand parser, reproduced: "type|flag|key:value|no-flag". */
export function parseShorthand(str: string): Rule {
	const parts = str.split("|").map(s => s.trim());
	const type = parts[0];
	const rule: Rule = type.endsWith("[]") ? { type: "array", items: type.slice(0, -2) } : { type };
	for (const part of parts.slice(1)) {
		const idx = part.indexOf(":");
		if (idx !== -1) {
			const key = part.slice(0, idx).trim();
			const raw = part.slice(idx + 1).trim();
			rule[key] = raw === "true" ? true : raw === "false" ? false : raw !== "" && !Number.isNaN(Number(raw)) ? Number(raw) : raw;
		} else if (part.startsWith("no-")) rule[part.slice(3)] = false;
		else if (part) rule[part] = true;
	}
	return rule;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
	return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Any rule form → the object form with a `type`. */
export function normalizeRule(rule: unknown): Rule {
	if (typeof rule === "string") return parseShorthand(rule);
	if (Array.isArray(rule)) {
		const rules = rule.map(normalizeRule);
		return { type: "multi", rules, optional: rules.length > 0 && rules.every(r => r.optional === true) };
	}
	if (rule === true || rule === undefined || rule === null) return { type: "any" };
	if (!isPlainObject(rule)) return { type: "any" };
	if (rule.$$type !== undefined) {
		const { $$type, ...props } = rule;
		return { ...normalizeRule($$type), props };
	}
	if (typeof rule.type !== "string") {
		// Not valid fastest-validator (it needs a type), but the evident meaning is a nested object.
		return { type: "object", props: rule };
	}
	return rule;
}

function patternSource(p: unknown): string | undefined {
	if (p instanceof RegExp) return p.source;
	if (typeof p === "string" && p) return p;
	return undefined;
}

function num(v: unknown): number | undefined {
	return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function withoutUndefined(obj: JsonSchema): JsonSchema {
	for (const key of Object.keys(obj)) if (obj[key] === undefined) delete obj[key];
	return obj;
}

function stringSchema(r: Rule): JsonSchema {
	const s: JsonSchema = { type: "string" };
	const length = num(r.length);
	s.minLength = length ?? num(r.min);
	s.maxLength = length ?? num(r.max);
	if (r.empty === false && !(num(s.minLength as number) ?? 0)) s.minLength = 1;
	if (Array.isArray(r.enum)) s.enum = r.enum;
	let pattern = patternSource(r.pattern);
	if (!pattern) {
		if (r.numeric) pattern = "^-?[0-9]+(\\.[0-9]+)?$";
		else if (r.alpha) pattern = "^[a-zA-Z]+$";
		else if (r.alphanum) pattern = "^[a-zA-Z0-9]+$";
		else if (r.alphadash) pattern = "^[a-zA-Z0-9_-]+$";
		else if (r.hex) pattern = "^([0-9a-fA-F]{2})+$";
		else if (r.singleLine) pattern = "^[^\\r\\n]*$";
	}
	s.pattern = pattern;
	if (r.base64) s.contentEncoding = "base64";
	return s;
}

function numberSchema(r: Rule): JsonSchema {
	const s: JsonSchema = { type: r.integer ? "integer" : "number", minimum: num(r.min), maximum: num(r.max) };
	if (r.positive) s.exclusiveMinimum = 0;
	if (r.negative) s.exclusiveMaximum = 0;
	if (r.equal !== undefined) s.const = r.equal;
	if (r.notEqual !== undefined) s.not = { const: r.notEqual };
	return s;
}

function objectSchema(r: Rule): JsonSchema {
	const props = (isPlainObject(r.props) ? r.props : isPlainObject(r.properties) ? r.properties : null) as Record<string, unknown> | null;
	if (!props) return { type: "object", minProperties: num(r.minProps), maxProperties: num(r.maxProps) };
	const s = paramsToSchema(props, r.strict === true);
	s.minProperties = num(r.minProps);
	s.maxProperties = num(r.maxProps);
	return s;
}

function arraySchema(r: Rule): JsonSchema {
	const s: JsonSchema = { type: "array" };
	if (r.items !== undefined) s.items = ruleToSchema(r.items).schema;
	const length = num(r.length);
	s.minItems = length ?? num(r.min);
	s.maxItems = length ?? num(r.max);
	if (r.empty === false && !(num(s.minItems as number) ?? 0)) s.minItems = 1;
	if (r.unique) s.uniqueItems = true;
	if (Array.isArray(r.enum)) s.items = { ...((s.items as JsonSchema) ?? {}), enum: r.enum };
	if (r.contains !== undefined) s.contains = { const: r.contains };
	return s;
}

function typeSchema(r: Rule): JsonSchema {
	switch (r.type) {
		case "string":
			return stringSchema(r);
		case "number":
			return numberSchema(r);
		case "boolean":
			return { type: "boolean" };
		case "date":
			return { type: "string", format: "date-time" };
		case "email":
			return { type: "string", format: "email", maxLength: num(r.max), minLength: num(r.min) };
		case "url":
			return { type: "string", format: "uri" };
		case "uuid":
			return { type: "string", format: "uuid" };
		case "objectID":
			return { type: "string", pattern: "^[0-9a-fA-F]{24}$" };
		case "mac":
			return { type: "string", pattern: "^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$" };
		case "luhn":
			return { type: "string", pattern: "^[0-9]+$" };
		case "currency":
			return { type: "string" };
		case "enum":
			return Array.isArray(r.values) ? { enum: r.values } : {};
		case "equal":
			return { const: r.value };
		case "object":
			return objectSchema(r);
		case "array":
			return arraySchema(r);
		case "tuple": {
			const items = Array.isArray(r.items) ? r.items.map(i => ruleToSchema(i).schema) : [];
			return { type: "array", prefixItems: items, items: false, minItems: items.length, maxItems: items.length };
		}
		case "record":
			return {
				type: "object",
				propertyNames: r.key !== undefined ? ruleToSchema(r.key).schema : undefined,
				additionalProperties: r.value !== undefined ? ruleToSchema(r.value).schema : true
			};
		case "multi": {
			const rules = Array.isArray(r.rules) ? r.rules : [];
			return { anyOf: rules.map(x => ruleToSchema(x).schema) };
		}
		default:
			// any, custom, function, class and aliases this module does not know: no constraint it can show.
			return r.type === "any" ? {} : { "x-validator-type": r.type };
	}
}

export function ruleToSchema(rule: unknown): ConvertedRule {
	const r = normalizeRule(rule);
	if (r.type === "forbidden") return { schema: {}, optional: true, omit: true };
	let schema = withoutUndefined(typeSchema(r));
	if (r.nullable === true) {
		if (typeof schema.type === "string") schema.type = [schema.type, "null"];
		else schema = { anyOf: [schema, { type: "null" }] };
	}
	if (r.default !== undefined && typeof r.default !== "function" && !isPlainObject(r.default)) schema.default = r.default;
	if (typeof r.description === "string") schema.description = r.description;
	else if (typeof r.label === "string") schema.title = r.label;
	return { schema, optional: r.optional === true || r.default !== undefined, omit: false };
}

/** An action's `params` (or an object rule's `props`) → an object schema. */
export function paramsToSchema(params: Record<string, unknown> | undefined | null, strict?: boolean): JsonSchema {
	const properties: Record<string, JsonSchema> = {};
	const required: string[] = [];
	const p = params ?? {};
	for (const [name, rule] of Object.entries(p)) {
		if (name.startsWith("$$")) continue;
		const converted = ruleToSchema(rule);
		if (converted.omit) continue;
		properties[name] = converted.schema;
		if (!converted.optional) required.push(name);
	}
	const schema: JsonSchema = { type: "object", properties };
	if (required.length) schema.required = required;
	// `$$strict: true` refuses unknown keys; "remove" only strips them, so they are still accepted.
	if (strict === true || p.$$strict === true) schema.additionalProperties = false;
	return schema;
}
