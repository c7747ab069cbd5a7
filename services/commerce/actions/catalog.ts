/** The category tree, product search, cards for other domains (API.md "commerce"; docs/commerce.md). */
import type { ActionGroup } from "./context";

export const catalogActions: ActionGroup = {};
