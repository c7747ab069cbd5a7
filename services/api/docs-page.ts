/**
 * GET /api/docs: the OpenAPI document as one self-contained HTML page.
 *
 * Server-rendered, no scripts, no CDN (deployments may have no internet and a
 * strict CSP): operations grouped by tag, each with its auth requirement, rate
 * limits, parameters and request-body schema. The raw document is linked.
 */
import type { OpenApiDocument } from "./openapi";

type Json = Record<string, unknown>;

export function escapeHtml(value: unknown): string {
	return String(value ?? "")
		.replace(/&/g, "&amp;")
		.replace(/</g, "&lt;")
		.replace(/>/g, "&gt;")
		.replace(/"/g, "&quot;")
		.replace(/'/g, "&#39;");
}

/** Short human form of a schema: "string (uuid)", "integer ≥ 1 ≤ 100", "array of string". */
export function describeSchema(schema: Json | undefined): string {
	if (!schema || typeof schema !== "object") return "any";
	if (Array.isArray(schema.enum)) return `one of ${schema.enum.map(v => JSON.stringify(v)).join(", ")}`;
	if ("const" in schema) return `exactly ${JSON.stringify(schema.const)}`;
	if (Array.isArray(schema.anyOf)) return (schema.anyOf as Json[]).map(describeSchema).join(" | ");
	const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type as string | undefined) ?? "any";
	const bits: string[] = [type];
	if (schema.format) bits.push(`(${schema.format})`);
	if (type === "array" && schema.items && typeof schema.items === "object") bits.push(`of ${describeSchema(schema.items as Json)}`);
	if (schema.minLength !== undefined) bits.push(`min length ${schema.minLength}`);
	if (schema.maxLength !== undefined) bits.push(`max length ${schema.maxLength}`);
	if (schema.minimum !== undefined) bits.push(`≥ ${schema.minimum}`);
	if (schema.maximum !== undefined) bits.push(`≤ ${schema.maximum}`);
	if (schema.minItems !== undefined) bits.push(`min ${schema.minItems} items`);
	if (schema.maxItems !== undefined) bits.push(`max ${schema.maxItems} items`);
	if (schema.pattern) bits.push(`pattern ${schema.pattern}`);
	if (schema.default !== undefined) bits.push(`default ${JSON.stringify(schema.default)}`);
	return bits.join(" ");
}

function parametersTable(params: Json[]): string {
	if (!params.length) return "";
	const rows = params
		.map(
			p =>
				`<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${p.required ? "yes" : "no"}</td><td>${escapeHtml(describeSchema(p.schema as Json))}</td></tr>`
		)
		.join("");
	return `<table><thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function bodyTable(body: Json | undefined): string {
	const schema = (body?.content as Json | undefined)?.["application/json"] as Json | undefined;
	const s = schema?.schema as Json | undefined;
	if (!s) return "";
	const required = new Set((s.required as string[] | undefined) ?? []);
	const props = Object.entries((s.properties as Record<string, Json> | undefined) ?? {});
	const rows = props
		.map(([name, p]) => `<tr><td><code>${escapeHtml(name)}</code></td><td>body</td><td>${required.has(name) ? "yes" : "no"}</td><td>${escapeHtml(describeSchema(p))}</td></tr>`)
		.join("");
	return `<h4>Request body <small>application/json</small></h4>
<table><thead><tr><th>Field</th><th>In</th><th>Required</th><th>Schema</th></tr></thead><tbody>${rows}</tbody></table>
<details><summary>JSON Schema</summary><pre>${escapeHtml(JSON.stringify(s, null, 2))}</pre></details>`;
}

const AUTH_LABEL: Record<string, string> = {
	required: "access token required",
	admin: "admin role required",
	optional: "access token optional",
	none: "no authentication"
};

function operationHtml(method: string, path: string, op: Json): string {
	const limits = ((op["x-rate-limits"] as Json[] | undefined) ?? [])
		.map(l => `${escapeHtml(l.limit)} per ${Number(l.window) / 1000} s (${escapeHtml(l.scope)})`)
		.join("; ");
	const statuses = Object.keys((op.responses as Json | undefined) ?? {}).join(" · ");
	return `<section class="op" id="${escapeHtml(op.operationId)}">
<h3><span class="m m-${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary)}${op.deprecated ? " <strong>(deprecated)</strong>" : ""}</p>
${op.description ? `<p>${escapeHtml(op.description)}</p>` : ""}
<p class="meta">Auth: ${escapeHtml(AUTH_LABEL[op["x-auth"] as string] ?? op["x-auth"])}${limits ? ` · Rate limit: ${limits}` : ""} · Responses: ${escapeHtml(statuses)} · Action <code>${escapeHtml(op["x-action"])}</code></p>
${parametersTable((op.parameters as Json[] | undefined) ?? [])}
${bodyTable(op.requestBody as Json | undefined)}
</section>`;
}

export function renderDocsPage(doc: OpenApiDocument, specUrl = "/api/openapi.json"): string {
	const byTag = new Map<string, string[]>();
	for (const [path, item] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(item)) {
			const tag = ((op.tags as string[] | undefined) ?? ["other"])[0];
			if (!byTag.has(tag)) byTag.set(tag, []);
			byTag.get(tag)!.push(operationHtml(method, path, op));
		}
	}
	const tags = [...byTag.keys()].sort();
	const nav = tags.map(t => `<li><a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a> (${byTag.get(t)!.length})</li>`).join("");
	const sections = tags.map(t => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>${byTag.get(t)!.join("\n")}`).join("\n");
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)} — API reference</title>
<style>
body{font:15px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1f2328;display:flex}
nav{position:sticky;top:0;height:100vh;overflow:auto;min-width:220px;background:#f6f8fa;padding:1rem;border-right:1px solid #d0d7de}
nav ul{list-style:none;padding:0}main{padding:1rem 2rem;max-width:1100px}
.op{border:1px solid #d0d7de;border-radius:6px;padding:.5rem 1rem;margin:1rem 0}
.op h3{margin:.3rem 0;font-size:1rem}.meta{color:#57606a;font-size:.85rem}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:.8rem;padding:2px 6px}
.m-get{background:#0969da}.m-post{background:#1a7f37}.m-put{background:#9a6700}.m-patch{background:#8250df}.m-delete{background:#cf222e}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
pre{background:#f6f8fa;padding:.5rem;overflow:auto;font-size:.8rem}code{font-size:.9em}
</style></head>
<body><nav><strong>${escapeHtml(doc.info.title)}</strong><br><small>v${escapeHtml(doc.info.version)} · OpenAPI ${escapeHtml(doc.openapi)}</small>
<p><a href="${escapeHtml(specUrl)}">openapi.json</a></p><ul>${nav}</ul></nav>
<main><h1>${escapeHtml(doc.info.title)}</h1>${doc.info.description ? `<p>${escapeHtml(doc.info.description)}</p>` : ""}
${sections || "<p>No operations are published yet.</p>"}
</main></body></html>`;
}
