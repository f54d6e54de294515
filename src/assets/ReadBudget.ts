// How many bytes one read of external data may take, checked before anything is read: what the documents
// declare (the data key's shape × item size, times the rows asked for) with room to spare, and never more
// than a global cap. A file can then not make the server allocate more than its documents promised.
import type { DataKey } from "../documents/types.ts";
import { ValidationError } from "../errors.ts";
import { parseNumpyDtype } from "../tables/numpyDtype.ts";

/** The default cap of one read: 1 GiB. */
export const DEFAULT_MAX_READ_BYTES = 2 ** 30;
/** Declared sizes are often approximate (frames per point, headers, old descriptors): twice is allowed. */
const SLACK = 2;
/** Below this a mismatch cannot hurt: small files are always read (old descriptors declare [] for images). */
const FLOOR = 2 ** 20;
/** The widest numeric item, for data keys that name no numpy dtype. */
const WIDEST_ITEM = 8;

/** Bytes of one value as its data key declares it; undefined when the shape is unknown (null, 0, missing). */
function declaredBytes(dataKey: DataKey): number | undefined {
  const shape = dataKey.shape;
  if (!Array.isArray(shape) || shape.some((n) => typeof n !== "number" || !Number.isInteger(n) || n <= 0))
    return undefined;
  let itemSize = WIDEST_ITEM;
  if (typeof dataKey.dtype_numpy === "string" && dataKey.dtype_numpy !== "") {
    try {
      itemSize = Math.max(1, parseNumpyDtype(dataKey.dtype_numpy).itemSize);
    } catch {
      // An unreadable numpy type declares nothing more precise than the widest item.
    }
  }
  return (shape as number[]).reduce((product, n) => product * n, itemSize);
}

export class ReadBudget {
  private used = 0;

  private constructor(
    /** Bytes this read may take in all. */
    readonly allowed: number,
    /** Why that many, for the error message. */
    private readonly reason: string,
  ) {}

  /** Only the cap: for a read whose size the documents do not declare. */
  static capped(cap: number = DEFAULT_MAX_READ_BYTES): ReadBudget {
    return new ReadBudget(cap, `the cap of ${cap} bytes per read`);
  }

  /** `rows` values of `dataKey` (with room to spare), at most `cap`. */
  static declared(
    dataKey: DataKey | undefined,
    rows: number,
    cap: number = DEFAULT_MAX_READ_BYTES,
  ): ReadBudget {
    const each = dataKey === undefined ? undefined : declaredBytes(dataKey);
    if (each === undefined) return ReadBudget.capped(cap);
    const allowed = Math.max(FLOOR, SLACK * each * Math.max(1, rows));
    if (allowed >= cap) return ReadBudget.capped(cap);
    const dtype = dataKey?.dtype_numpy ?? dataKey?.dtype;
    return new ReadBudget(
      allowed,
      `the ${allowed} bytes allowed for ${rows} row(s) of shape [${dataKey?.shape?.join(", ")}] and dtype ${dtype} as the data key declares`,
    );
  }

  /** Throws unless `bytes` more fit (a file about to be read whole, say); nothing is counted. */
  check(bytes: number, what: string): void {
    if (this.used + bytes > this.allowed) {
      throw new ValidationError(`${what} would take ${bytes} bytes, more than ${this.reason}`);
    }
  }

  /** Counts `bytes` about to be allocated for the result; throws when the read would exceed its budget. */
  charge(bytes: number, what: string): void {
    this.check(bytes, what);
    this.used += bytes;
  }
}
