// A run reference as people type it (command line, URL): `-1` and `42` are numbers (the N-th most recent, a
// scan_id); any other text is a uid or uid prefix.
import type { RunRef } from "../catalog/RunRef.ts";
import { NotFoundError } from "../errors.ts";
import { MIN_PREFIX } from "../storage/runRef.ts";
import type { Run } from "./Run.ts";

export function runRefFromText(text: string): RunRef {
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
}

/**
 * The run typed text names. A uid prefix can be all digits (`19965989`): when no run has that scan_id, such
 * text is tried as a uid prefix before giving up (a scan_id match always wins).
 */
export async function runFromText<R = Run>(
  broker: { run(ref: RunRef): Promise<R> },
  text: string,
): Promise<R> {
  const ref = runRefFromText(text);
  try {
    return await broker.run(ref);
  } catch (error) {
    if (!(error instanceof NotFoundError && typeof ref === "number" && ref > 0)) throw error;
    if (text.trim().length < MIN_PREFIX) throw new NotFoundError(`no run has scan_id ${ref}`);
    try {
      return await broker.run(text.trim());
    } catch (prefixError) {
      if (!(prefixError instanceof NotFoundError)) throw prefixError;
      // Say both places looked in: a user typing digits may mean either.
      throw new NotFoundError(`no run has scan_id ${ref}, nor a uid starting with ${text.trim()}`);
    }
  }
}
