// A Query -> an SQL condition over the runs table's JSON columns (JSON1 json_type / json_extract), values
// always bound as parameters. Each leaf yields 0 or 1, never NULL, so NOT and OR keep their in-memory meaning;
// the answers equal queries/matches.ts on the JSON view of the metadata.
import { UnsupportedError } from "../../errors.ts";
import { parseKey } from "../../queries/keyPath.ts";
import type { Query, QueryKey, QueryValue } from "../../queries/Query.ts";

export interface CompiledQuery {
  sql: string;
  params: unknown[];
}

/** The column and JSON path of a key: `stop.exit_status` -> stop, `$."exit_status"`. */
export function jsonLocation(key: QueryKey): { column: "start" | "stop"; path: string } {
  const { document, segments } = parseKey(key);
  return { column: document, path: `$${segments.map((segment) => `."${segment}"`).join("")}` };
}

const OPERATORS = { lt: "<", le: "<=", gt: ">", ge: ">=" } as const;

class Compiler {
  readonly params: unknown[] = [];

  private bind(value: unknown): string {
    this.params.push(value);
    return "?";
  }

  private typeOf(key: QueryKey): string {
    const { column, path } = jsonLocation(key);
    return `json_type(${column}, ${this.bind(path)})`;
  }

  private valueOf(key: QueryKey): string {
    const { column, path } = jsonLocation(key);
    return `json_extract(${column}, ${this.bind(path)})`;
  }

  private equals(key: QueryKey, value: QueryValue): string {
    if (value === null) return `${this.typeOf(key)} = 'null'`;
    if (typeof value === "boolean") return `${this.typeOf(key)} = '${value ? "true" : "false"}'`;
    if (typeof value === "number")
      return `(${this.typeOf(key)} IN ('integer', 'real') AND ${this.valueOf(key)} = ${this.bind(value)})`;
    if (typeof value === "string")
      return `(${this.typeOf(key)} = 'text' AND ${this.valueOf(key)} = ${this.bind(value)})`;
    if (typeof value === "object") {
      return `(${this.typeOf(key)} IN ('array', 'object') AND ${this.valueOf(key)} = ${this.bind(JSON.stringify(value))})`;
    }
    throw new UnsupportedError(`cannot compare ${key} with ${typeof value}`);
  }

  /** A leaf that is 0 or 1 even where SQL would say NULL (absent key, run without stop). */
  private leaf(sql: string): string {
    return `IFNULL(${sql}, 0)`;
  }

  compile(query: Query): string {
    switch (query.op) {
      case "all":
        return "1";
      case "eq":
        return this.leaf(this.equals(query.key, query.value));
      case "comparison": {
        const operator = OPERATORS[query.operator];
        if (!operator)
          throw new UnsupportedError(`unknown comparison operator ${JSON.stringify(query.operator)}`);
        const types =
          typeof query.value === "number"
            ? "IN ('integer', 'real')"
            : typeof query.value === "string"
              ? "= 'text'"
              : null;
        if (types === null)
          throw new UnsupportedError(`comparison of ${query.key} needs a number or a string`);
        return this.leaf(
          `(${this.typeOf(query.key)} ${types} AND ${this.valueOf(query.key)} ${operator} ${this.bind(query.value)})`,
        );
      }
      case "in":
        if (query.values.length === 0) return "0";
        return `(${query.values.map((value) => this.leaf(this.equals(query.key, value))).join(" OR ")})`;
      case "keyPresent":
        return `(${this.typeOf(query.key)} IS NOT NULL)`;
      case "and":
        return query.queries.length === 0
          ? "1"
          : `(${query.queries.map((part) => this.compile(part)).join(" AND ")})`;
      case "or":
        return query.queries.length === 0
          ? "0"
          : `(${query.queries.map((part) => this.compile(part)).join(" OR ")})`;
      case "not":
        return `(NOT ${this.compile(query.query)})`;
      default:
        throw new UnsupportedError(`unknown query operator ${JSON.stringify((query as { op: unknown }).op)}`);
    }
  }
}

export function compileQuery(query: Query): CompiledQuery {
  const compiler = new Compiler();
  const sql = compiler.compile(query);
  return { sql, params: compiler.params };
}
