// Server-Sent Events parsed chunk by chunk, as the HTML standard's event-stream interpretation says: what the
// TypeScript client (serverSentEvents.ts) and the web page (which reads streams with fetch(): EventSource
// cannot send the Authorization header, and the page keeps credentials out of URLs) both read live streams with.

export interface SseMessage {
  /** `message` when the block names no event (the run stream's documents). */
  event: string;
  data: string;
  /** The block's `id:` (the stream's last id carries over to blocks without one, as in EventSource). */
  id?: string;
}

/** Feeds text as it arrives; each complete block (ended by a blank line) comes out as a message. */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private lastId: string | undefined;
  /** The reconnection delay the server asked for (`retry:`), in milliseconds. */
  retryMs: number | undefined;

  push(text: string): SseMessage[] {
    this.buffer += text;
    const messages: SseMessage[] = [];
    // Lines end in CRLF, LF or CR; a trailing CR may be the first half of a CRLF split across chunks.
    const lines = this.buffer.split(/\r\n|\n|\r(?!$)/);
    this.buffer = lines.pop() ?? "";
    for (const line of lines) {
      const message = this.line(line);
      if (message) messages.push(message);
    }
    return messages;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") return this.dispatch();
    if (line.startsWith(":")) return undefined; // a comment: the server's heartbeat
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.lastId = value;
    else if (field === "retry" && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const event = this.event || "message";
    const data = this.data;
    this.event = "";
    this.data = [];
    if (data.length === 0) return undefined;
    return { event, data: data.join("\n"), ...(this.lastId !== undefined && { id: this.lastId }) };
  }
}
