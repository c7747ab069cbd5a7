/** Seller verification: submit documents, the admin queue, approve, reject, suspend (API.md "commerce"; docs/commerce.md). */
import type { ActionGroup } from "./context";

export const verificationActions: ActionGroup = {};
