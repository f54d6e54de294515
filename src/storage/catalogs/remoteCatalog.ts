// Remote catalogs: `http://host:port` or https, a databroker server read as a catalog (storage/remote). It is
// read-only from here; its key comes from the configuration (api_key_env), else
// DATABROKER_REMOTE_API_KEY (never the key `serve` itself takes: that one is not sent to other servers).
import type { CatalogKind } from "./CatalogKind.ts";

export const remoteCatalog: CatalogKind = {
  name: "http",
  help: "http://host:port (a databroker server, read-only)",
  recognises: (uri) => /^https?:\/\//i.test(uri),
  async open(uri, options) {
    const { RemoteStore } = await import("../remote/RemoteStore.ts");
    return new RemoteStore(uri, {
      ...options,
      apiKey: options.apiKey ?? (process.env.DATABROKER_REMOTE_API_KEY || undefined),
    });
  },
};
