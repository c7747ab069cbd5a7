/** Shops: open, read, edit, list; the shop page (API.md "commerce"; docs/commerce.md). */
import type { ActionGroup } from "./context";

export const shopActions: ActionGroup = {};
