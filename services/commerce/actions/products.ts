/** Products with variants and images: create, read, edit, delete (API.md "commerce"; docs/commerce.md). */
import type { ActionGroup } from "./context";

export const productActions: ActionGroup = {};
