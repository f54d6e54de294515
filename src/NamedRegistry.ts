// A list of things known by name and aliases, in registration order: what the document formats, the export
// formats and the catalog kinds each keep, so registering, listing and looking up work one way everywhere.
import { UnsupportedError } from "./errors.ts";

export interface Named {
  readonly name: string;
  readonly aliases?: readonly string[];
}

export class NamedRegistry<T extends Named> {
  private readonly items: T[] = [];
  private readonly byName = new Map<string, T>();

  /** `what` names the kind of thing in messages; `fold` maps a looked-up name onto the registered spelling. */
  constructor(
    private readonly what: string,
    private readonly fold: (name: string) => string = (name) => name,
  ) {}

  /** Adds an item after those registered already; its name and aliases must be new. */
  register(item: T): void {
    const names = [item.name, ...(item.aliases ?? [])];
    const taken = names.find((name) => this.byName.has(name));
    if (taken !== undefined)
      throw new UnsupportedError(`${this.what} ${JSON.stringify(taken)} is registered already`);
    this.items.push(item);
    for (const name of names) this.byName.set(name, item);
  }

  /** Every item, in registration order. */
  all(): readonly T[] {
    return this.items;
  }

  find(name: string): T | undefined {
    return this.byName.get(this.fold(name));
  }

  /** The item of this name or alias; UnsupportedError naming the known ones otherwise. */
  named(name: string): T {
    const item = this.find(name);
    if (item !== undefined) return item;
    throw new UnsupportedError(
      `unknown ${this.what} ${JSON.stringify(name)}: use ${this.items.map((known) => known.name).join(", ")}`,
    );
  }
}
