import { expect } from "chai";
import { normalizeRule, paramsToSchema, parseShorthand, ruleToSchema } from "../../../services/api/fv-json-schema";
import { buildOpenApiDocument, toOpenApiPath, type OperationSource } from "../../../services/api/openapi";
import { describeSchema, escapeHtml, renderDocsPage } from "../../../services/api/docs-page";

describe("fastest-validator → JSON Schema", () => {
	it("parses shorthand strings like fastest-validator", () => {
		expect(parseShorthand("string|min:3|max:20|optional|no-trim")).to.deep.equal({ type: "string", min: 3, max: 20, optional: true, trim: false });
		expect(parseShorthand("number[]|min:1")).to.deep.equal({ type: "array", items: "number", min: 1 });
	});

	it("converts strings, numbers and formats", () => {
		expect(ruleToSchema("string|min:3|max:20").schema).to.deep.equal({ type: "string", minLength: 3, maxLength: 20 });
		expect(ruleToSchema({ type: "string", length: 4, pattern: /^\d+$/ }).schema).to.deep.equal({ type: "string", minLength: 4, maxLength: 4, pattern: "^\\d+$" });
		expect(ruleToSchema({ type: "number", integer: true, min: 1, max: 100, convert: true }).schema).to.deep.equal({ type: "integer", minimum: 1, maximum: 100 });
		expect(ruleToSchema("number|positive").schema).to.deep.equal({ type: "number", exclusiveMinimum: 0 });
		expect(ruleToSchema("email").schema).to.deep.equal({ type: "string", format: "email" });
		expect(ruleToSchema("uuid").schema).to.deep.equal({ type: "string", format: "uuid" });
		expect(ruleToSchema("url").schema).to.deep.equal({ type: "string", format: "uri" });
		expect(ruleToSchema({ type: "date", convert: true }).schema).to.deep.equal({ type: "string", format: "date-time" });
		expect(ruleToSchema({ type: "enum", values: ["mpesa", "selcom"] }).schema).to.deep.equal({ enum: ["mpesa", "selcom"] });
		expect(ruleToSchema({ type: "equal", value: true }).schema).to.deep.equal({ const: true });
	});

	it("marks optional, defaulted, nullable and forbidden rules", () => {
		expect(ruleToSchema("string|optional").optional).to.equal(true);
		const defaulted = ruleToSchema({ type: "boolean", default: false });
		expect(defaulted).to.deep.include({ optional: true });
		expect(defaulted.schema).to.deep.equal({ type: "boolean", default: false });
		expect(ruleToSchema({ type: "string", nullable: true }).schema).to.deep.equal({ type: ["string", "null"] });
		expect(ruleToSchema("forbidden").omit).to.equal(true);
		expect(ruleToSchema("string").optional).to.equal(false);
	});

	it("converts nested objects, $$type, arrays, alternatives and records", () => {
		const address = ruleToSchema({ $$type: "object|optional", city: "string", zip: "string|optional" });
		expect(address.optional).to.equal(true);
		expect(address.schema).to.deep.equal({ type: "object", properties: { city: { type: "string" }, zip: { type: "string" } }, required: ["city"] });

		const strictObj = ruleToSchema({ type: "object", strict: true, props: { id: "uuid" } }).schema;
		expect(strictObj).to.include({ additionalProperties: false });

		expect(ruleToSchema({ type: "array", items: "uuid", min: 1, max: 10, unique: true }).schema).to.deep.equal({
			type: "array",
			items: { type: "string", format: "uuid" },
			minItems: 1,
			maxItems: 10,
			uniqueItems: true
		});
		expect(ruleToSchema(["string", "number"]).schema).to.deep.equal({ anyOf: [{ type: "string" }, { type: "number" }] });
		expect(ruleToSchema({ type: "record", key: "string", value: "number" }).schema).to.deep.equal({
			type: "object",
			propertyNames: { type: "string" },
			additionalProperties: { type: "number" }
		});
	});

	it("tolerates definitions that crossed the transporter (RegExp became {})", () => {
		expect(ruleToSchema({ type: "string", pattern: {} }).schema).to.deep.equal({ type: "string" });
		expect(normalizeRule({ type: "custom" }).type).to.equal("custom");
	});

	it("turns action params into an object schema with required fields", () => {
		const schema = paramsToSchema({ $$strict: true, name: "string", note: "string|optional", ghost: "forbidden" });
		expect(schema).to.deep.equal({
			type: "object",
			properties: { name: { type: "string" }, note: { type: "string" } },
			required: ["name"],
			additionalProperties: false
		});
	});
});

describe("OpenAPI document", () => {
	const sources: OperationSource[] = [
		{
			method: "POST",
			fullPath: "/api/v1/commerce/shops/:id/products",
			actionName: "commerce.createProduct",
			action: {
				auth: "required",
				params: { id: "uuid", title: "string|min:1", price: "number|integer|min:0", postToFeed: "boolean|optional" },
				openapi: { status: 201, summary: "Add a product" }
			}
		},
		{
			method: "GET",
			fullPath: "/api/v1/commerce/products",
			actionName: "commerce.listProducts",
			action: { auth: "optional", params: { q: "string|optional", limit: "number|optional|convert" }, rateLimit: { window: 60_000, limit: 120 } }
		},
		{ method: "POST", fullPath: "/api/v1/commerce/shops/:id/verification/approve", actionName: "commerce.approve", action: { auth: "admin", params: { id: "uuid" } } },
		{ method: "GET", fullPath: "/api/health/live", actionName: "api.live", action: {}, authOverride: "none" }
	];
	const doc = buildOpenApiDocument(sources, { title: "T", version: "1" });

	it("converts path syntax", () => {
		expect(toOpenApiPath("/users/:id/follow")).to.deep.equal({ path: "/users/{id}/follow", params: ["id"] });
		expect(toOpenApiPath("/files{/:variant}")).to.deep.equal({ path: "/files/{variant}", params: ["variant"] });
	});

	it("is OpenAPI 3.1 with every route", () => {
		expect(doc.openapi).to.equal("3.1.0");
		expect(Object.keys(doc.paths).sort()).to.deep.equal([
			"/api/health/live",
			"/api/v1/commerce/products",
			"/api/v1/commerce/shops/{id}/products",
			"/api/v1/commerce/shops/{id}/verification/approve"
		]);
		expect(doc.tags.map(t => t.name)).to.deep.equal(["api", "commerce"]);
	});

	it("puts path params in the path and the rest of a POST's params in the body", () => {
		const op = doc.paths["/api/v1/commerce/shops/{id}/products"].post;
		expect(op.parameters).to.deep.equal([{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }]);
		const body = (op.requestBody as { required: boolean; content: { "application/json": { schema: Record<string, unknown> } } });
		expect(body.required).to.equal(true);
		expect(body.content["application/json"].schema).to.deep.equal({
			type: "object",
			properties: { title: { type: "string", minLength: 1 }, price: { type: "integer", minimum: 0 }, postToFeed: { type: "boolean" } },
			required: ["title", "price"]
		});
		expect(Object.keys(op.responses as object)).to.include.members(["201", "400", "401", "413", "429", "500"]);
		expect(op.summary).to.equal("Add a product");
	});

	it("turns a GET's params into query parameters and documents its limits", () => {
		const op = doc.paths["/api/v1/commerce/products"].get;
		expect(op.parameters).to.deep.equal([
			{ name: "q", in: "query", required: false, schema: { type: "string" } },
			{ name: "limit", in: "query", required: false, schema: { type: "number" } }
		]);
		expect(op.requestBody).to.equal(undefined);
		expect(op["x-rate-limits"]).to.deep.equal([{ scope: "action", window: 60_000, limit: 120 }]);
	});

	it("states who may call each operation", () => {
		expect(doc.paths["/api/v1/commerce/products"].get.security).to.deep.equal([{ bearerAuth: [] }, {}]);
		const admin = doc.paths["/api/v1/commerce/shops/{id}/verification/approve"].post;
		expect(admin.security).to.deep.equal([{ bearerAuth: [] }]);
		expect(Object.keys(admin.responses as object)).to.include("403");
		expect(doc.paths["/api/health/live"].get.security).to.deep.equal([]);
	});

	it("renders a self-contained, escaped docs page", () => {
		const html = renderDocsPage(buildOpenApiDocument([{ ...sources[1], action: { ...sources[1].action, openapi: { summary: "<script>x</script>" } } }], { title: "T", version: "1" }));
		expect(html).to.include("/api/v1/commerce/products");
		expect(html).to.include("&lt;script&gt;");
		expect(html).to.not.include("<script");
		expect(html).to.not.match(/(src|href)="https?:/);
		expect(escapeHtml(`"'<>&`)).to.equal("&quot;&#39;&lt;&gt;&amp;");
		expect(describeSchema({ type: "integer", minimum: 1, maximum: 100 })).to.equal("integer ≥ 1 ≤ 100");
	});
});
