/** Epoch milliseconds of a timestamptz column, as the feed scores are. */
export const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::bigint`;
