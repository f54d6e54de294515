// The 512-byte POSIX ustar header of one regular file: what `tar`, Python's tarfile and every unpacker read.
// Long names use ustar's prefix field; sizes past ustar's 8 GiB use the GNU base-256 size every reader takes.
import { ValidationError } from "../../errors.ts";

const BLOCK = 512;
const encoder = new TextEncoder();

function putText(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new ValidationError(`tar field too long: ${text}`);
  header.set(bytes, offset);
}

function putOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  putText(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

function putSize(header: Uint8Array, size: number): void {
  if (size < 8 ** 11) {
    putOctal(header, 124, 12, size);
    return;
  }
  header[124] = 0x80;
  let rest = BigInt(size);
  for (let i = 135; i > 124; i--) {
    header[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** Splits a name into ustar's (prefix, name) at a `/`, each part fitting its field. */
function splitName(path: string): [string, string] {
  if (encoder.encode(path).length <= 100) return ["", path];
  for (let cut = path.indexOf("/"); cut !== -1; cut = path.indexOf("/", cut + 1)) {
    const prefix = path.slice(0, cut);
    const name = path.slice(cut + 1);
    if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) return [prefix, name];
  }
  throw new ValidationError(`file name too long for a tar archive: ${path}`);
}

/** The header of a regular file `path` of `size` bytes, modified at `mtime` (seconds). */
export function tarHeader(path: string, size: number, mtime: number): Uint8Array {
  const header = new Uint8Array(BLOCK);
  const [prefix, name] = splitName(path);
  putText(header, 0, 100, name);
  putOctal(header, 100, 8, 0o644);
  putOctal(header, 108, 8, 0);
  putOctal(header, 116, 8, 0);
  putSize(header, size);
  putOctal(header, 136, 12, Math.floor(mtime));
  header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  header[156] = 0x30; // "0": a regular file
  putText(header, 257, 6, "ustar\0");
  putText(header, 263, 2, "00");
  putText(header, 345, 155, prefix);
  let sum = 0;
  for (const byte of header) sum += byte;
  putText(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return header;
}

/** Zeros that pad a file of `size` bytes to whole blocks. */
export function tarPadding(size: number): Uint8Array {
  return new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);
}

/** The end of an archive: two zero blocks. */
export const TAR_END = new Uint8Array(2 * BLOCK);
