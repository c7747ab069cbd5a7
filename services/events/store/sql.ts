/** The platform's SQL helpers (lib/db/sql.ts), under the path the events stores and TIX's modules import. */
export * from "../../../lib/db/sql";
