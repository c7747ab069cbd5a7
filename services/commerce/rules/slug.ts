/**
 * Shop addresses (slugs): lowercase ASCII letters, digits and single hyphens,
 * 3–60 characters. A seller may choose one; otherwise it is made from the
 * name, and a taken one gets a numeric suffix (`mama-ntilie-2`).
 */
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,59}$/;
export const SLUG_MAX = 60;

export function isSlug(value: string): boolean {
	return SLUG_PATTERN.test(value);
}

/** "Duka la Mama Ntilie!" → "duka-la-mama-ntilie"; accents are dropped, anything else becomes a hyphen. */
export function slugify(name: string): string {
	const base = name
		.normalize("NFKD")
		.replace(/[\u0300-\u036f]/g, "")
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, "-")
		.replace(/^-+|-+$/g, "")
		.slice(0, SLUG_MAX - 4)
		.replace(/-+$/g, "");
	// A name with no usable letters ("ダ" or "!!!") still gets an address.
	return base.length >= 3 ? base : `shop-${base || "x"}`.replace(/-$/, "");
}

/** The n-th candidate for a wanted slug: the slug itself, then `-2`, `-3`, … within the length limit. */
export function slugCandidate(base: string, n: number): string {
	if (n <= 1) return base;
	const suffix = `-${n}`;
	return `${base.slice(0, SLUG_MAX - suffix.length).replace(/-+$/g, "")}${suffix}`;
}
