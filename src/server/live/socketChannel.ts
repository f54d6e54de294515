// A LiveChannel over a websocket: each message one text frame `{"event", "id", "data"}` (data as JSON, not a
// string). The socket's buffered amount stands for the write buffer: past HIGH_WATER the producer waits for
// the frames to go. A ping every heartbeat keeps intermediaries from closing a quiet socket.
import type { WebSocket } from "ws";
import { HEARTBEAT_MS, type LiveChannel, type LiveMessage } from "./LiveChannel.ts";

const HIGH_WATER = 1 << 20;

export function socketChannel(socket: WebSocket, heartbeatMs = HEARTBEAT_MS): LiveChannel {
  const aborted = new AbortController();
  const heartbeat = setInterval(() => socket.ping(), heartbeatMs);
  const close = () => {
    clearInterval(heartbeat);
    aborted.abort();
  };
  socket.on("close", close);
  socket.on("error", close);
  return {
    signal: aborted.signal,
    async send({ event, id, data }: LiveMessage): Promise<void> {
      if (aborted.signal.aborted) return;
      const frame = `{"event":${JSON.stringify(event)},${id === undefined ? "" : `"id":${id},`}"data":${data}}`;
      if (socket.bufferedAmount < HIGH_WATER) {
        socket.send(frame);
        return;
      }
      // Wait for this frame to be written out before producing more.
      await new Promise<void>((resolve) => socket.send(frame, () => resolve()));
    },
    end(): void {
      close();
      socket.close(1000, "end");
    },
  };
}
