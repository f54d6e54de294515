// A command's catalog, open for the length of its work and closed after, whatever happens; `readOnly` for
// commands that only read (a catalog that is not there is an error, never created by a read).
import { Broker } from "../broker/Broker.ts";
import type { CatalogChoice } from "./catalogOption.ts";

export async function withCatalog<T>(
  catalog: CatalogChoice,
  readOnly: boolean,
  use: (broker: Broker) => Promise<T>,
): Promise<T> {
  const broker = await Broker.open(catalog, { readOnly });
  try {
    return await use(broker);
  } finally {
    await broker.close();
  }
}
