// A backend's translation of every query kind into its own terms (an SQL condition, an in-memory test).
// The built-in part is a mapped type over the kinds' ops, so a backend that lacks a kind fails to compile;
// kinds registered at run time add their translation with `register`.
import { UnsupportedError } from "../../errors.ts";
import type { QueryOf, QueryOp } from "./index.ts";

/** One kind's translation: the query and the backend's context for the node -> the backend's form. */
export type Translation<Q, Context, Result> = (query: Q, context: Context) => Result;

/** A translation for every built-in kind. */
export type Translations<Context, Result> = {
  [Op in QueryOp]: Translation<QueryOf<Op>, Context, Result>;
};

export class TranslationTable<Context, Result> {
  private readonly byOp = new Map<string, Translation<never, Context, Result>>();

  constructor(
    readonly backend: string,
    builtIn: Translations<Context, Result>,
  ) {
    for (const [op, translation] of Object.entries(builtIn)) this.byOp.set(op, translation);
  }

  /** Adds (or replaces) the translation of a kind registered with registerQueryKind. */
  register<Q extends { op: string }>(op: Q["op"], translation: Translation<Q, Context, Result>): void {
    this.byOp.set(op, translation as Translation<never, Context, Result>);
  }

  translate(query: { op: string }, context: Context): Result {
    const translation = this.byOp.get(query.op) as Translation<{ op: string }, Context, Result> | undefined;
    if (!translation)
      throw new UnsupportedError(
        `unknown query operator ${JSON.stringify(query.op)} (the ${this.backend} has no translation of it)`,
      );
    return translation(query, context);
  }
}
