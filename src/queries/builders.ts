// Readable construction of queries: `key("plan_name").eq("scan").and(key("scan_id").ge(5))`. Every builder
// validates its arguments (ValidationError naming the rule) and returns a built query: plain frozen data
// with chaining methods. Times given to timeRange are read into epoch seconds here, once. Each builder makes
// its query with the kind's own constructor (kinds/<op>.ts).
import { type Finding, ValidationError } from "../errors.ts";
import { allQuery } from "./kinds/all.ts";
import { andQuery } from "./kinds/and.ts";
import { comparisonQuery } from "./kinds/comparison.ts";
import { containsQuery } from "./kinds/contains.ts";
import { derivedFromQuery } from "./kinds/derivedFrom.ts";
import { eqQuery } from "./kinds/eq.ts";
import { fullTextQuery } from "./kinds/fullText.ts";
import { fuzzyQuery } from "./kinds/fuzzy.ts";
import { inQuery } from "./kinds/in.ts";
import { keyPresentQuery } from "./kinds/keyPresent.ts";
import { likeQuery } from "./kinds/like.ts";
import { notQuery } from "./kinds/not.ts";
import { notEqQuery } from "./kinds/notEq.ts";
import { notInQuery } from "./kinds/notIn.ts";
import { orQuery } from "./kinds/or.ts";
import { partialUidQuery } from "./kinds/partialUid.ts";
import { regexQuery } from "./kinds/regex.ts";
import { scanIdQuery } from "./kinds/scanId.ts";
import { scanIdRangeQuery } from "./kinds/scanIdRange.ts";
import { timeRangeQuery } from "./kinds/timeRange.ts";
import type {
  All,
  And,
  Comparison,
  ComparisonOperator,
  Contains,
  DerivedFrom,
  Duplicates,
  Eq,
  FullText,
  Fuzzy,
  In,
  KeyPresent,
  Like,
  Not,
  NotEq,
  NotIn,
  Or,
  PartialUID,
  Query,
  QueryKey,
  QueryValue,
  Regex,
  ScanID,
  ScanIDRange,
  TimeRange,
} from "./Query.ts";
import type { Built } from "./queryValue.ts";
import { localTimeZone, parseTime, timeZoneProblem } from "./timeParsing.ts";
import { checkQuery } from "./validateQuery.ts";

/** Conditions on one metadata key. */
export class KeyBuilder {
  constructor(readonly key: QueryKey) {}

  eq(value: QueryValue): Built<Eq> {
    return checkQuery(eqQuery(this.key, value));
  }
  /** Present and different (see NotEq); `not(key(k).eq(v))` also takes runs without the key. */
  ne(value: QueryValue): Built<NotEq> {
    return checkQuery(notEqQuery(this.key, value));
  }
  lt(value: number | string): Built<Comparison> {
    return this.compare("lt", value);
  }
  le(value: number | string): Built<Comparison> {
    return this.compare("le", value);
  }
  gt(value: number | string): Built<Comparison> {
    return this.compare("gt", value);
  }
  ge(value: number | string): Built<Comparison> {
    return this.compare("ge", value);
  }
  compare(operator: ComparisonOperator, value: number | string): Built<Comparison> {
    return checkQuery(comparisonQuery(this.key, operator, value));
  }
  in(values: QueryValue[]): Built<In> {
    return checkQuery(inQuery(this.key, values));
  }
  notIn(values: QueryValue[]): Built<NotIn> {
    return checkQuery(notInQuery(this.key, values));
  }
  /** List membership when the stored value is an array, substring when it is a string. */
  contains(value: QueryValue): Built<Contains> {
    return checkQuery(containsQuery(this.key, value));
  }
  /** SQL LIKE over the whole string, case-sensitive: `%` any run, `_` one character, `\` escapes. */
  like(pattern: string): Built<Like> {
    return checkQuery(likeQuery(this.key, pattern));
  }
  regex(pattern: string | RegExp, options: { caseSensitive?: boolean } = {}): Built<Regex> {
    const fromRegExp = pattern instanceof RegExp;
    if (fromRegExp && /[^iu]/.test(pattern.flags)) {
      throw new ValidationError(
        `regex /${pattern.source}/${pattern.flags}: only the flags i and u are kept`,
        [{ name: "query", path: "$.pattern", rule: "regex", message: "only the flags i and u are kept" }],
      );
    }
    const caseSensitive = options.caseSensitive ?? !(fromRegExp && pattern.flags.includes("i"));
    return checkQuery(regexQuery(this.key, fromRegExp ? pattern.source : pattern, caseSensitive));
  }
  exists(): Built<KeyPresent> {
    return checkQuery(keyPresentQuery(this.key, true));
  }
  missing(): Built<KeyPresent> {
    return checkQuery(keyPresentQuery(this.key, false));
  }
}

/** Conditions on a metadata key: a dotted path into start (default), `stop.` or `descriptors.`. */
export function key(path: QueryKey): KeyBuilder {
  return new KeyBuilder(path);
}

export function all(): Built<All> {
  return checkQuery(allQuery());
}

export function and(...queries: Query[]): Built<And> {
  return checkQuery(andQuery(queries));
}

export function or(...queries: Query[]): Built<Or> {
  return checkQuery(orQuery(queries));
}

export function not(query: Query): Built<Not> {
  return checkQuery(notQuery(query));
}

/** Runs whose start metadata holds every word of `text` (case and accents ignored). */
export function fullText(text: string): Built<FullText> {
  return checkQuery(fullTextQuery(text));
}

/** Runs whose start metadata holds a word close to each word of `text` (typos forgiven; see kinds/fuzzy.ts). */
export function fuzzy(text: string): Built<Fuzzy> {
  return checkQuery(fuzzyQuery(text));
}

export interface TimeRangeOptions {
  /** Epoch seconds, ISO 8601, or '2015' .. '2015-03-30 03:00:00' in `timezone`. Inclusive. */
  since?: number | string;
  /** As `since`; exclusive. */
  until?: number | string;
  /** IANA name; default: the machine's zone (as databroker). */
  timezone?: string;
}

/** Runs started in `[since, until)`; the ends are read into epoch seconds now. */
export function timeRange(options: TimeRangeOptions): Built<TimeRange> {
  const timezone = options.timezone ?? localTimeZone();
  const zoneProblem = timeZoneProblem(timezone);
  if (zoneProblem) {
    throw new ValidationError(`time range: ${zoneProblem}`, [
      { name: "query", path: "$.timezone", rule: "time-zone", message: zoneProblem },
    ]);
  }
  const findings: Finding[] = [];
  const read = (end: "since" | "until") => {
    const value = options[end];
    if (value === undefined) return undefined;
    try {
      return parseTime(value, timezone);
    } catch (error) {
      findings.push({ name: "query", path: `$.${end}`, rule: "time", message: (error as Error).message });
      return undefined;
    }
  };
  const since = read("since");
  const until = read("until");
  if (findings.length > 0) throw new ValidationError(`time range: ${findings[0].message}`, findings);
  return checkQuery(timeRangeQuery(since, until, timezone));
}

/** Runs with one of these scan_ids; several runs per scan_id: the newest (default), all, or an error. */
export function scanId(scanIds: number | number[], options: { duplicates?: Duplicates } = {}): Built<ScanID> {
  return checkQuery(scanIdQuery(Array.isArray(scanIds) ? scanIds : [scanIds], options.duplicates));
}

/** Runs with `startId <= scan_id < endId`, duplicates as for scanId. */
export function scanIdRange(
  startId: number,
  endId: number,
  options: { duplicates?: Duplicates } = {},
): Built<ScanIDRange> {
  return checkQuery(scanIdRangeQuery(startId, endId, options.duplicates));
}

/** Runs whose uid starts with one of the prefixes (at least 5 characters each; ambiguity is an error). */
export function partialUid(...prefixes: string[]): Built<PartialUID> {
  return checkQuery(partialUidQuery(prefixes));
}

/** Runs derived from the run `uid`: their provenance record names it among its inputs. */
export function derivedFrom(uid: string): Built<DerivedFrom> {
  return checkQuery(derivedFromQuery(uid));
}
