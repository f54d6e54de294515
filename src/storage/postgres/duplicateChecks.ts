// The errors of duplicate rules as SQL (and of data queries on fields not indexed yet): `duplicates: "error"` with scan_ids shared within the rule's scope, and
// PartialUID prefixes matching several runs in scope (queries/duplicateRules.ts). Each check is one statement,
// run before the search in the order in-memory evaluation checks them, so the first error is the same.
import { ValidationError } from "../../errors.ts";
import { notIndexedError, numbersRead } from "../../queries/dataKey.ts";
import {
  ambiguousPrefixMessage,
  duplicatedScanIdsMessage,
  MAX_LISTED_UIDS,
  walkScoped,
} from "../../queries/duplicateRules.ts";
import type { Query } from "../../queries/Query.ts";
import { unindexedCheck } from "../dataConditions.ts";
import { type CompileOptions, QueryCompiler } from "./compileQuery.ts";
import { runScanId } from "./jsonPaths.ts";
import { postgresBinder } from "./postgresTranslations.ts";
import { SqlParams } from "./sqlParams.ts";

export interface DuplicateCheck {
  sql: string;
  params: unknown[];
  /** The error the rows found mean, if any. */
  failure(rows: Array<Record<string, unknown>>): Error | undefined;
}

function inScope(compiler: QueryCompiler, scope: readonly Query[], alias: string): string[] {
  return scope.map((part) => compiler.condition(part, alias));
}

export function duplicateChecks(query: Query, options: CompileOptions = {}): DuplicateCheck[] {
  const checks: DuplicateCheck[] = [];
  walkScoped(query, (node, scope) => {
    if ((node.op === "scanId" || node.op === "scanIdRange") && node.duplicates === "error") {
      const compiler = new QueryCompiler(new SqlParams(), options);
      const where = [compiler.selectsScan(node, "c"), ...inScope(compiler, scope, "c")];
      checks.push({
        sql: `SELECT ${runScanId("c")} AS scan_id FROM runs c WHERE ${where.join(" AND ")} GROUP BY 1 HAVING count(*) > 1 ORDER BY 1`,
        params: compiler.params.values,
        failure: (rows) =>
          rows.length > 0
            ? new ValidationError(duplicatedScanIdsMessage(rows.map((row) => row.scan_id as number)))
            : undefined,
      });
    } else if (node.op === "partialUid") {
      for (const prefix of node.prefixes) {
        const compiler = new QueryCompiler(new SqlParams(), options);
        const where = [compiler.uidPrefix("c", prefix), ...inScope(compiler, scope, "c")];
        checks.push({
          // One more than the message lists tells it whether to add "...".
          sql: `SELECT c.uid FROM runs c WHERE ${where.join(" AND ")} ORDER BY c.uid LIMIT ${MAX_LISTED_UIDS + 1}`,
          params: compiler.params.values,
          failure: (rows) =>
            rows.length > 1
              ? new ValidationError(
                  ambiguousPrefixMessage(
                    prefix,
                    rows.map((row) => row.uid as string),
                  ),
                )
              : undefined,
        });
      }
    } else {
      const read = numbersRead(node);
      if (!read) return;
      const compiler = new QueryCompiler(new SqlParams(), options);
      checks.push({
        sql: unindexedCheck(postgresBinder(compiler), read.stream, read.field),
        params: compiler.params.values,
        failure: (rows) => (rows.length > 0 ? notIndexedError(read.stream, read.field) : undefined),
      });
    }
  });
  return checks;
}
