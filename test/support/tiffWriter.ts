// A minimal baseline TIFF encoder for tests: little-endian, uncompressed, one sample per pixel, pixels in
// several strips, one page per image. Enough to write the detector frames the TIFF handlers read.

export interface TiffImage {
  width: number;
  height: number;
  /** Row-major pixels: Uint8Array, Uint16Array, Int16Array or Float32Array. */
  pixels: Uint8Array | Uint16Array | Int16Array | Float32Array;
  /** Rows per strip (default 3, so that most images span several strips). */
  rowsPerStrip?: number;
}

const SHORT = 3;
const LONG = 4;

function sampleFormat(pixels: TiffImage["pixels"]): number {
  if (pixels instanceof Float32Array) return 3;
  if (pixels instanceof Int16Array) return 2;
  return 1;
}

/** Encodes the images as the pages of one TIFF file. */
export function encodeTiff(images: TiffImage[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  let size = 8;
  const append = (bytes: Uint8Array): number => {
    const at = size;
    chunks.push(bytes);
    size += bytes.length;
    if (size % 2) {
      chunks.push(new Uint8Array(1)); // TIFF offsets are word-aligned
      size += 1;
    }
    return at;
  };
  const ifdOffsets: number[] = [];
  const ifdViews: DataView[] = [];
  for (const image of images) {
    const { width, height, pixels } = image;
    const rowsPerStrip = image.rowsPerStrip ?? 3;
    const bytesPerRow = width * pixels.BYTES_PER_ELEMENT;
    const raw = new Uint8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength);
    const offsets: number[] = [];
    const counts: number[] = [];
    for (let row = 0; row < height; row += rowsPerStrip) {
      const strip = raw.slice(row * bytesPerRow, Math.min(height, row + rowsPerStrip) * bytesPerRow);
      offsets.push(append(strip));
      counts.push(strip.length);
    }
    const longs = (values: number[]) => {
      const bytes = new Uint8Array(4 * values.length);
      const view = new DataView(bytes.buffer);
      values.forEach((v, i) => {
        view.setUint32(4 * i, v, true);
      });
      return bytes;
    };
    const stripOffsetsAt = offsets.length > 1 ? append(longs(offsets)) : offsets[0];
    const stripCountsAt = counts.length > 1 ? append(longs(counts)) : counts[0];
    const entries: Array<[tag: number, type: number, count: number, value: number]> = [
      [256, LONG, 1, width],
      [257, LONG, 1, height],
      [258, SHORT, 1, pixels.BYTES_PER_ELEMENT * 8],
      [259, SHORT, 1, 1],
      [262, SHORT, 1, 1],
      [273, LONG, offsets.length, stripOffsetsAt],
      [277, SHORT, 1, 1],
      [278, LONG, 1, rowsPerStrip],
      [279, LONG, counts.length, stripCountsAt],
      [339, SHORT, 1, sampleFormat(pixels)],
    ];
    const ifd = new Uint8Array(2 + 12 * entries.length + 4);
    const view = new DataView(ifd.buffer);
    view.setUint16(0, entries.length, true);
    entries.forEach(([tag, type, count, value], i) => {
      const at = 2 + 12 * i;
      view.setUint16(at, tag, true);
      view.setUint16(at + 2, type, true);
      view.setUint32(at + 4, count, true);
      if (type === SHORT && count === 1) view.setUint16(at + 8, value, true);
      else view.setUint32(at + 8, value, true);
    });
    ifdOffsets.push(append(ifd));
    ifdViews.push(view);
  }
  // Chain the pages: each IFD ends with the offset of the next (0 for the last).
  ifdViews.forEach((view, i) => {
    view.setUint32(view.byteLength - 4, ifdOffsets[i + 1] ?? 0, true);
  });
  const out = new Uint8Array(size);
  out.set([0x49, 0x49, 42, 0], 0);
  new DataView(out.buffer).setUint32(4, ifdOffsets[0], true);
  let at = 8;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
