// Where a live route writes its messages, whatever carries them: Server-Sent Events (sseChannel.ts) or a
// websocket (socketChannel.ts). Each message has an event name, an optional id and JSON text as data.
// `send` resolves once the transport can take more: a client that reads slowly slows the producer instead
// of filling the server's memory. `signal` aborts when the client goes away or the server closes.

export interface LiveMessage {
  /** "document" (the SSE default event), "start", "stop", "end", "lagged" or "failed". */
  event: string;
  id?: number;
  /** The message's data as JSON text (one line). */
  data: string;
}

export interface LiveChannel {
  readonly signal: AbortSignal;
  send(message: LiveMessage): Promise<void>;
  /** Sends nothing more and closes the transport. */
  end(): void;
}

/** How often an idle channel shows it is alive (an SSE comment, a websocket ping), unless configured. */
export const HEARTBEAT_MS = 15_000;
