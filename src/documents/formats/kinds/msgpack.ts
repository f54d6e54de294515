// Concatenated msgpack `[name, doc]` values (suitcase-msgpack, databroker-pack), recognised by the array or
// map header of the first value; float event fields are written as float64 (MsgpackEncoder.ts).

import type { DocumentFileFormat } from "../DocumentFileFormat.ts";
import { oneByOne } from "../DocumentStream.ts";
import { MsgpackEncoder } from "../MsgpackEncoder.ts";
import { readMsgpack } from "../readMsgpack.ts";

/** msgpack array (fixarray, array16, array32) or map (fixmap, map16, map32) headers. */
function isMsgpackContainerHeader(byte: number): boolean {
  return (byte >= 0x80 && byte <= 0x9f) || (byte >= 0xdc && byte <= 0xdf);
}

export const msgpack: DocumentFileFormat = {
  name: "msgpack",
  aliases: [],
  label: "msgpack",
  encoding: "msgpack",
  extensions: [".msgpack", ".mpk"],
  mediaTypes: ["application/x-msgpack", "application/msgpack"],
  binary: true,
  exportable: true,
  detect: (head) => head.length > 0 && isMsgpackContainerHeader(head[0]),
  read: (chunks, source, limits) => oneByOne(readMsgpack(chunks, source, limits)),
  writer: () => {
    const encoder = new MsgpackEncoder();
    return {
      document: (pair) => {
        encoder.encode(pair);
        return encoder.take();
      },
      end: () => "",
    };
  },
};
