/**
 * The language of what we send a person (OTP texts, notifications): Swahili
 * or English (DESIGN.md §4). An explicit choice wins; otherwise the request's
 * Accept-Language decides: "sw" when Swahili ranks above English, else "en".
 */
export type Language = "en" | "sw";

export function languageFrom(explicit: unknown, acceptLanguage: unknown): Language {
	if (explicit === "sw" || explicit === "en") return explicit;
	if (typeof acceptLanguage !== "string" || !acceptLanguage) return "en";
	const ranked = acceptLanguage
		.split(",")
		.slice(0, 20)
		.map((part, index) => {
			const [tag, ...params] = part.trim().toLowerCase().split(";");
			const q = params.map(p => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
			return { primary: tag.split("-")[0], q: q ? Number(q[1]) : 1, index };
		})
		.filter(e => e.q > 0 && Number.isFinite(e.q))
		.sort((a, b) => b.q - a.q || a.index - b.index);
	const first = ranked.find(e => e.primary === "sw" || e.primary === "en");
	return first?.primary === "sw" ? "sw" : "en";
}
