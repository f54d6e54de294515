// Seeded random queries over a vocabulary of keys and values: the round-trip tests use an awkward synthetic
// vocabulary, the property test one read from real runs. Every generated query is valid.
import {
  type ComparisonOperator,
  checkQuery,
  type Duplicates,
  type Query,
  type QueryValue,
} from "../../src/queries/index.ts";

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Vocabulary {
  /** Keys with values seen under them (the generator also invents near misses). */
  keys: Array<{ key: string; values: QueryValue[] }>;
  /** Words for full text. */
  words: string[];
  /** Uid prefixes to ask for (at least 5 characters). */
  uidPrefixes: string[];
  scanIds: number[];
  /** Epoch seconds around which time ranges are drawn. */
  times: number[];
  timezones: string[];
}

export class QueryGenerator {
  constructor(
    private readonly random: () => number,
    private readonly vocabulary: Vocabulary,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private entry(): { key: string; values: QueryValue[] } {
    return this.pick(this.vocabulary.keys);
  }

  private value(values: QueryValue[]): QueryValue {
    if (values.length > 0 && this.chance(0.8)) return this.pick(values);
    return this.pick<QueryValue>([0, 1, -2.5, "", "scan", "x y", null, true, false, [1, 2], { a: 1 }]);
  }

  private scalar(values: QueryValue[]): number | string {
    const scalars = values.filter(
      (v): v is number | string => typeof v === "number" || typeof v === "string",
    );
    if (scalars.length > 0 && this.chance(0.8)) {
      const base = this.pick(scalars);
      if (typeof base === "number" && this.chance(0.3)) return base + this.pick([-1, 1, 0.5]);
      return base;
    }
    return this.pick([0, 3, 100, "a", "m", "zz"]);
  }

  private substring(values: QueryValue[]): string {
    const strings = values.filter((v): v is string => typeof v === "string" && v.length > 0);
    if (strings.length === 0) return "a";
    const text = [...this.pick(strings)];
    const start = Math.floor(this.random() * text.length);
    const end = start + 1 + Math.floor(this.random() * Math.min(4, text.length - start));
    return text.slice(start, end).join("");
  }

  private likePattern(values: QueryValue[]): string {
    const escaped = this.substring(values).replace(/[\\%_]/g, "\\$&");
    return this.pick([`%${escaped}%`, `${escaped}%`, `%${escaped}`, `_${escaped}%`, escaped]);
  }

  private regexPattern(values: QueryValue[]): string {
    const escaped = this.substring(values).replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
    return this.pick([escaped, `^${escaped}`, `${escaped}$`, `${escaped}.*`, `[a-c]`, `\\d+`, `^(a|s)`]);
  }

  private duplicates(): Duplicates {
    return this.pick<Duplicates>(["latest", "latest", "all", "error"]);
  }

  private time(): number {
    const base = this.pick(this.vocabulary.times);
    return Math.round(base + (this.random() - 0.5) * 86_400 * 30);
  }

  /** The word, or it with one letter dropped or doubled (fuzzy search's typos). */
  private misspelled(word: string): string {
    const at = Math.floor(this.random() * word.length);
    if (word.length < 4 || this.chance(0.3)) return word;
    return this.chance(0.5) ? word.slice(0, at) + word.slice(at + 1) : word.slice(0, at + 1) + word.slice(at);
  }

  leaf(): Query {
    const entry = this.entry();
    const kind = this.pick([
      "eq",
      "eq",
      "notEq",
      "comparison",
      "comparison",
      "in",
      "notIn",
      "contains",
      "like",
      "regex",
      "keyPresent",
      "fullText",
      "fuzzy",
      "timeRange",
      "scanId",
      "scanIdRange",
      "partialUid",
      "all",
    ] as const);
    switch (kind) {
      case "eq":
      case "notEq":
      case "contains":
        return { op: kind, key: entry.key, value: this.value(entry.values) };
      case "comparison":
        return {
          op: "comparison",
          key: entry.key,
          operator: this.pick<ComparisonOperator>(["lt", "le", "gt", "ge"]),
          value: this.scalar(entry.values),
        };
      case "in":
      case "notIn":
        return {
          op: kind,
          key: entry.key,
          values: [this.value(entry.values), this.value(entry.values)].slice(
            0,
            1 + Math.floor(this.random() * 2),
          ),
        };
      case "like":
        return { op: "like", key: entry.key, pattern: this.likePattern(entry.values) };
      case "regex":
        return {
          op: "regex",
          key: entry.key,
          pattern: this.regexPattern(entry.values),
          caseSensitive: this.chance(0.7),
        };
      case "keyPresent":
        return { op: "keyPresent", key: entry.key, exists: this.chance(0.7) };
      case "fuzzy":
        return { op: "fuzzy", text: this.misspelled(this.pick(this.vocabulary.words)) };
      case "fullText":
        return {
          op: "fullText",
          text: [
            this.pick(this.vocabulary.words),
            ...(this.chance(0.3) ? [this.pick(this.vocabulary.words)] : []),
          ].join(" "),
        };
      case "timeRange": {
        const since = this.chance(0.8) ? this.time() : undefined;
        const until = this.chance(0.8) ? this.time() : undefined;
        const range: Query = { op: "timeRange", timezone: this.pick(this.vocabulary.timezones) };
        if (since !== undefined) range.since = until !== undefined ? Math.min(since, until) : since;
        if (until !== undefined) range.until = since !== undefined ? Math.max(since, until) : until;
        return range;
      }
      case "scanId":
        return {
          op: "scanId",
          scanIds: [
            this.pick(this.vocabulary.scanIds),
            ...(this.chance(0.3) ? [this.pick(this.vocabulary.scanIds)] : []),
          ],
          duplicates: this.duplicates(),
        };
      case "scanIdRange": {
        const start = this.pick(this.vocabulary.scanIds);
        return {
          op: "scanIdRange",
          startId: start,
          endId: start + Math.floor(this.random() * 5),
          duplicates: this.duplicates(),
        };
      }
      case "partialUid":
        return { op: "partialUid", prefixes: [this.pick(this.vocabulary.uidPrefixes)] };
      case "all":
        return { op: "all" };
    }
  }

  query(depth = 3): Query {
    if (depth === 0 || this.chance(0.4)) return this.leaf();
    const kind = this.pick(["and", "and", "or", "not"] as const);
    if (kind === "not") return { op: "not", query: this.query(depth - 1) };
    const count = 2 + Math.floor(this.random() * 2);
    return { op: kind, queries: Array.from({ length: count }, () => this.query(depth - 1)) };
  }

  /** A valid, built query. */
  next(depth = 3): Query {
    return checkQuery(this.query(depth));
  }
}
