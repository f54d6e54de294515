// A baseline TIFF writer: uncompressed, one sample per pixel, pixels in strips, one page (IFD) per frame, the
// element type kept (BitsPerSample + SampleFormat). Pages are written in order to an append-only sink (a file,
// a tar entry, an HTTP body): each page's IFD comes just before its pixels, so every offset is known when it is
// written and nothing is sought back to. BigTIFF (64-bit offsets) is chosen up front for files of 4 GiB and
// more; classic TIFF otherwise, since more readers take it.
import { LimitError, ValidationError } from "../../errors.ts";
import { type DType, dtypeOfTypedArray, itemSize, type TypedArray } from "../../tables/DType.ts";
import { HOST_IS_LITTLE_ENDIAN } from "../../tables/numpyDtype.ts";

export interface TiffFrame {
  width: number;
  height: number;
  /** Row-major pixels; int64/uint64 in BigInt64Array/BigUint64Array, bool as 0/1 bytes. */
  pixels: TypedArray;
  /** What `pixels` hold when their class does not say it (bool in a Uint8Array); default from the class. */
  dtype?: DType;
}

export interface TiffLayout {
  /** 64-bit offsets; needed once the file reaches 4 GiB. */
  bigTiff?: boolean;
  /** Rows per strip (default: about 64 KiB of pixels per strip). */
  rowsPerStrip?: number;
}

const SHORT = 3;
const LONG = 4;
const LONG8 = 16;
const CLASSIC_LIMIT = 2 ** 32;
const STRIP_BYTES = 64 * 1024;
// Tag count of every page: width, length, bits, compression, photometric, strip offsets, samples per pixel,
// rows per strip, strip byte counts, sample format.
const TAGS = 10;

/** SampleFormat: 1 unsigned integer, 2 signed integer, 3 IEEE float. */
function sampleFormat(dtype: DType): number {
  if (dtype === "float32" || dtype === "float64") return 3;
  if (dtype.startsWith("int")) return 2;
  return 1;
}

/** Whether a frame of `dtype` can be a TIFF page (numbers and bool; not strings or objects). */
export function isTiffDType(dtype: DType): boolean {
  return itemSize(dtype) !== undefined;
}

interface PageShape {
  strips: number;
  rowsPerStrip: number;
  pixelBytes: number;
  /** Bytes of the page: IFD, out-of-line strip arrays, pixels padded to a word. */
  size: number;
}

function pageShape(width: number, height: number, bytesPerPixel: number, layout: TiffLayout): PageShape {
  const rowBytes = width * bytesPerPixel;
  const rowsPerStrip = Math.min(
    height,
    layout.rowsPerStrip ?? Math.max(1, Math.floor(STRIP_BYTES / rowBytes)),
  );
  const strips = Math.ceil(height / rowsPerStrip);
  const offsetSize = layout.bigTiff ? 8 : 4;
  const ifd = layout.bigTiff ? 8 + 20 * TAGS + 8 : 2 + 12 * TAGS + 4;
  // An array of one value sits in its entry; longer ones follow the IFD.
  const arrays = strips > 1 ? 2 * strips * offsetSize : 0;
  const pixelBytes = rowBytes * height;
  return { strips, rowsPerStrip, pixelBytes, size: ifd + arrays + pixelBytes + (pixelBytes % 2) };
}

/** The size of a TIFF of `frames` pages of one shape and dtype (to choose BigTIFF before writing). */
export function tiffFileSize(
  frames: number,
  frame: { width: number; height: number; dtype: DType },
  layout: TiffLayout = {},
): number {
  return 16 + frames * pageShape(frame.width, frame.height, itemSize(frame.dtype) ?? 1, layout).size;
}

const LITTLE = HOST_IS_LITTLE_ENDIAN;

/** The 8-byte (classic) or 16-byte (BigTIFF) file header, the first IFD right after it. */
function headerBytes(big: boolean): Uint8Array {
  const header = new DataView(new ArrayBuffer(big ? 16 : 8));
  const order = LITTLE ? 0x49 : 0x4d; // "II" little-endian, "MM" big-endian: the host's own order
  header.setUint8(0, order);
  header.setUint8(1, order);
  header.setUint16(2, big ? 43 : 42, LITTLE);
  if (big) {
    header.setUint16(4, 8, LITTLE); // bytes per offset
    header.setBigUint64(8, 16n, LITTLE);
  } else header.setUint32(4, 8, LITTLE);
  return new Uint8Array(header.buffer);
}

function checkFrame({ width, height, pixels }: TiffFrame): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new ValidationError(`a TIFF page needs a positive width and height, got ${width}x${height}`);
  if (pixels.length !== width * height)
    throw new ValidationError(
      `a ${width}x${height} TIFF page needs ${width * height} pixels, got ${pixels.length}`,
    );
}

/** One page written at byte `at`: its IFD and strip arrays, its pixels, a pad byte to keep words aligned. */
function pageBytes(frame: TiffFrame, at: number, last: boolean, layout: TiffLayout): Uint8Array[] {
  const { width, height, pixels } = frame;
  const dtype = frame.dtype ?? dtypeOfTypedArray(pixels);
  const bytesPerPixel = pixels.BYTES_PER_ELEMENT;
  const big = layout.bigTiff === true;
  const shape = pageShape(width, height, bytesPerPixel, layout);
  if (!big && at + shape.size > CLASSIC_LIMIT)
    throw new LimitError(
      `a classic TIFF ends at 4 GiB: this page would end at byte ${at + shape.size} (use BigTIFF)`,
    );
  const ifdSize = big ? 8 + 20 * TAGS + 8 : 2 + 12 * TAGS + 4;
  const offsetSize = big ? 8 : 4;
  const arraysAt = at + ifdSize;
  const pixelsAt = arraysAt + (shape.strips > 1 ? 2 * shape.strips * offsetSize : 0);
  const head = new DataView(new ArrayBuffer(pixelsAt - at));
  const stripBytes = shape.rowsPerStrip * width * bytesPerPixel;
  const setOffset = (byte: number, value: number) => {
    if (big) head.setBigUint64(byte, BigInt(value), LITTLE);
    else head.setUint32(byte, value, LITTLE);
  };
  // Strip arrays: offsets, then byte counts (the last strip may hold fewer rows).
  if (shape.strips > 1)
    for (let strip = 0; strip < shape.strips; strip++) {
      setOffset(ifdSize + strip * offsetSize, pixelsAt + strip * stripBytes);
      const count = Math.min(stripBytes, shape.pixelBytes - strip * stripBytes);
      setOffset(ifdSize + (shape.strips + strip) * offsetSize, count);
    }
  const offsetType = big ? LONG8 : LONG;
  const inline = shape.strips === 1;
  const entries: Array<[tag: number, type: number, count: number, value: number]> = [
    [256, LONG, 1, width],
    [257, LONG, 1, height],
    [258, SHORT, 1, bytesPerPixel * 8],
    [259, SHORT, 1, 1], // no compression
    [262, SHORT, 1, 1], // BlackIsZero
    [273, offsetType, shape.strips, inline ? pixelsAt : arraysAt],
    [277, SHORT, 1, 1],
    [278, LONG, 1, shape.rowsPerStrip],
    [279, offsetType, shape.strips, inline ? shape.pixelBytes : arraysAt + shape.strips * offsetSize],
    [339, SHORT, 1, sampleFormat(dtype)],
  ];
  if (big) head.setBigUint64(0, BigInt(TAGS), LITTLE);
  else head.setUint16(0, TAGS, LITTLE);
  const first = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  entries.forEach(([tag, type, count, value], i) => {
    const entry = first + i * entrySize;
    head.setUint16(entry, tag, LITTLE);
    head.setUint16(entry + 2, type, LITTLE);
    if (big) head.setBigUint64(entry + 4, BigInt(count), LITTLE);
    else head.setUint32(entry + 4, count, LITTLE);
    const valueAt = entry + (big ? 12 : 8);
    // A value is left-justified in its field: a SHORT takes the first two bytes.
    if (type === SHORT) head.setUint16(valueAt, value, LITTLE);
    else if (type === LONG) head.setUint32(valueAt, value, LITTLE);
    else head.setBigUint64(valueAt, BigInt(value), LITTLE);
  });
  setOffset(first + TAGS * entrySize, last ? 0 : at + shape.size);
  const parts = [
    new Uint8Array(head.buffer),
    new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength),
  ];
  if (shape.pixelBytes % 2) parts.push(new Uint8Array(1));
  return parts;
}

/**
 * Writes frames as the pages of one TIFF to `out`; `finish` ends the file after the last. A page is written
 * when the next one comes (its IFD says whether one follows), so at most one frame is held.
 */
export class TiffWriter {
  private position = 0;
  private pending: TiffFrame | undefined;

  constructor(
    private readonly out: (bytes: Uint8Array) => Promise<void>,
    private readonly layout: TiffLayout = {},
  ) {}

  async add(frame: TiffFrame): Promise<void> {
    checkFrame(frame);
    if (this.pending) await this.emit(pageBytes(this.pending, this.position, false, this.layout));
    else await this.emit([headerBytes(this.layout.bigTiff === true)]);
    this.pending = frame;
  }

  /** Writes the last page; a TIFF of no pages is refused (no reader could open it). */
  async finish(): Promise<void> {
    if (!this.pending) throw new ValidationError("a TIFF needs at least one page");
    await this.emit(pageBytes(this.pending, this.position, true, this.layout));
    this.pending = undefined;
  }

  private async emit(parts: Uint8Array[]): Promise<void> {
    for (const bytes of parts) {
      this.position += bytes.length;
      await this.out(bytes);
    }
  }
}

/** A whole TIFF in memory (small files: tests, detector fixtures). */
export function encodeTiff(frames: readonly TiffFrame[], layout: TiffLayout = {}): Uint8Array {
  if (frames.length === 0) throw new ValidationError("a TIFF needs at least one page");
  const parts = [headerBytes(layout.bigTiff === true)];
  let at = parts[0].length;
  frames.forEach((frame, i) => {
    checkFrame(frame);
    for (const bytes of pageBytes(frame, at, i === frames.length - 1, layout)) {
      parts.push(bytes);
      at += bytes.length;
    }
  });
  return Buffer.concat(parts);
}
