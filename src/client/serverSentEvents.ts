// Server-Sent Events read from a fetch body, as the HTML standard parses them: lines end in LF, CRLF or CR;
// `event`, `data` (several lines joined by LF), `id` and comments (heartbeats); a blank line dispatches. A body
// that ends without a final blank line drops the half-read event, as browsers do.

export interface ServerSentEvent {
  /** "message" unless the server named it. */
  event: string;
  data: string;
  /** The last `id:` seen so far on the stream (it carries over to later events, as EventSource's lastEventId). */
  id?: string;
}

export async function* serverSentEvents(body: AsyncIterable<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let buffer = "";
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  const flush = (text: string, final: boolean): ServerSentEvent[] => {
    const ready: ServerSentEvent[] = [];
    const lines = text.split(/\r\n|\r|\n/);
    // The last piece may be an unfinished line (or a CR whose LF is in the next chunk), unless at the end.
    buffer = final ? "" : (lines.pop() ?? "");
    for (const line of lines) {
      if (line === "") {
        if (data.length > 0) ready.push({ event: event || "message", data: data.join("\n"), id });
        event = "";
        data = [];
        continue;
      }
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
      else if (field === "id" && !value.includes("\0")) id = value;
    }
    return ready;
  };
  // A CRLF split between chunks: the LF starting the next chunk ends no other line.
  let endedInCr = false;
  for await (const chunk of body) {
    let text = decoder.decode(chunk, { stream: true });
    if (endedInCr && text.startsWith("\n")) text = text.slice(1);
    endedInCr = text.endsWith("\r");
    yield* flush(buffer + text, false);
  }
  yield* flush(buffer + decoder.decode(), true);
}
