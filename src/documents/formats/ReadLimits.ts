// How large one document of a byte stream may be, checked by the streaming readers as the bytes arrive (so a
// huge document is refused before it is all held in memory). Files have no limit; the server sets one.
import { LimitError } from "../../errors.ts";

export interface ReadLimits {
  /** The most bytes one document may take in the input (default: no limit). */
  maxDocumentBytes?: number;
  /** Appended to the message: how to raise the limit (`raise it with serve --max-document-bytes N`). */
  howToRaise?: string;
}

/** Whether `bytes` of one document pass the limit. */
export function isTooLarge(limits: ReadLimits | undefined, bytes: number): boolean {
  return limits?.maxDocumentBytes !== undefined && bytes > limits.maxDocumentBytes;
}

/** The error of a document of at least `bytes` bytes, past the limit, at `location` (`line 3`, `byte 120`). */
export function documentTooLarge(
  limits: ReadLimits,
  source: string,
  location: string,
  bytes: number,
): LimitError {
  const raise = limits.howToRaise ? ` (${limits.howToRaise})` : "";
  return new LimitError(
    `${source}: ${location}: the document takes at least ${bytes} bytes, more than the ` +
      `${limits.maxDocumentBytes} bytes one document may take${raise}`,
  );
}
