/** The shared SQL helpers (lib/db/sql.ts) for the commerce stores, plus the unique-violation test. */
export { execute, select, selectOne, textArray, uuidArray, n, type Db } from "../../../lib/db/sql";
export { isUniqueViolation } from "./shops";
