// Searches with a deadline run on connections opened with `statement_timeout` set to the search budget, so
// PostgreSQL itself stops a query past it (its regex engine can backtrack too) and a search stays one round
// trip (no SET per statement). One small pool per budget in use; a server uses one budget.
import type pg from "pg";
import { SearchTimeoutError } from "../../errors.ts";
import type { SearchDeadline } from "../../queries/SearchDeadline.ts";
import { openPool } from "./connectionPool.ts";

/** PostgreSQL's query_canceled, which a statement timeout raises. */
const QUERY_CANCELED = "57014";

export class SearchPools {
  private readonly pools = new Map<number, pg.Pool>();

  constructor(
    private readonly uri: string,
    private readonly maxConnections: number | undefined,
  ) {}

  /**
   * Runs one search statement under the deadline's budget (on `fallback`, the store's pool, without one):
   * SearchTimeoutError when the deadline has passed before it starts or PostgreSQL stops it at the budget.
   */
  async query(
    fallback: pg.Pool,
    deadline: SearchDeadline | undefined,
    statement: pg.QueryConfig,
  ): Promise<pg.QueryResult> {
    if (!deadline) return fallback.query(statement);
    deadline.check();
    try {
      return await this.poolFor(deadline.budgetMs).query(statement);
    } catch (error) {
      if ((error as { code?: string }).code === QUERY_CANCELED && /statement timeout/.test(String(error)))
        throw new SearchTimeoutError(deadline.budgetMs);
      throw error;
    }
  }

  async end(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
    this.pools.clear();
  }

  private poolFor(budgetMs: number): pg.Pool {
    let pool = this.pools.get(budgetMs);
    if (!pool) {
      pool = openPool(this.uri, this.maxConnections, Math.max(1, Math.ceil(budgetMs)));
      this.pools.set(budgetMs, pool);
    }
    return pool;
  }
}
