/**
 * The commerce domain's own variables (docs/configuration.md, "Commerce").
 * Parsed once when the service starts; a bad value stops start-up naming it.
 */
import { int, num, type Env } from "../../lib/config/env";

export interface CommerceConfig {
	/** Shops one user may own (any status): opening shops costs the verification team's time. */
	shopsPerOwnerMax: number;
	/** Trigram similarity a title needs to be offered when full-text search finds nothing (0–1). */
	searchTrigramThreshold: number;
	/** Variants one product may carry. */
	variantsMax: number;
}

export function loadCommerceConfig(env: Env = process.env): CommerceConfig {
	return {
		shopsPerOwnerMax: int(env, "COMMERCE_SHOPS_PER_OWNER_MAX", 5, 1, 1000),
		searchTrigramThreshold: num(env, "COMMERCE_SEARCH_TRGM_THRESHOLD", 0.3, 0.05, 1),
		variantsMax: int(env, "COMMERCE_VARIANTS_MAX", 50, 1, 500)
	};
}
