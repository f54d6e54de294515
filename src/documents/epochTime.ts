// Event-model times are seconds since the epoch. This is the one place that turns such a number into a Date
// or ISO 8601 text, safely: a number no Date can hold (a stored nanosecond timestamp, 1e300, NaN) gives null,
// never "Invalid time value" thrown in the middle of a listing.

/** The largest |milliseconds| a JavaScript Date holds (±100,000,000 days around the epoch). */
const DATE_LIMIT_MS = 8.64e15;

/** The Date of `seconds` since the epoch, or null when it is not a number a Date can hold. */
export function dateOf(seconds: unknown): Date | null {
  if (typeof seconds !== "number") return null;
  const ms = seconds * 1000;
  // NaN fails both comparisons; ±Infinity the first.
  if (!(ms >= -DATE_LIMIT_MS && ms <= DATE_LIMIT_MS)) return null;
  return new Date(ms);
}

/** `seconds` since the epoch as ISO 8601 UTC text (`2024-05-01T12:00:00.000Z`), or null (see dateOf). */
export function isoTimeOf(seconds: unknown): string | null {
  return dateOf(seconds)?.toISOString() ?? null;
}
