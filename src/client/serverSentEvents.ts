// Server-Sent Events read from a fetch body: bytes decoded as UTF-8 (invalid bytes refused, never replaced),
// then parsed by SseParser. A body that ends without a final blank line drops the half-read event, as
// browsers do.
import { type SseMessage, SseParser } from "./SseParser.ts";

export async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const parser = new SseParser();
  for await (const chunk of body) yield* parser.push(decoder.decode(chunk, { stream: true }));
  yield* parser.push(decoder.decode());
}
