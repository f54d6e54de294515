// The JSON text of a document that PostgreSQL stores for queries (start, stop, descriptors): the JSON view
// every adapter queries (non-finite numbers read as null). Replay never reads it; it decodes the exact bytes.

// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly what JSONB refuses.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * JSONB cannot hold U+0000 or unpaired surrogates (JSON.stringify writes them as escapes PostgreSQL refuses):
 * they become U+FFFD in the query view, so a document is never refused for them.
 */
function storable(text: string): string {
  UNSTORABLE.lastIndex = 0;
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE, "\ufffd") : text;
}

export function jsonView(doc: unknown): string {
  return JSON.stringify(doc, (_key, value) => (typeof value === "string" ? storable(value) : value));
}
