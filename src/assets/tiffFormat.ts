// Reads a TIFF file (uncompressed, LZW or deflate strips or tiles) into an NDArray through the `tiff`
// decoder: one page -> [height, width] (or [height, width, samples]), several pages -> [pages, ...].
import { decode, type TiffIfd } from "tiff";
import { DatabrokerError, UnreadableError, UnsupportedError } from "../errors.ts";
import type { TypedArray } from "../tables/DType.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { stack } from "../tables/stack.ts";
import { FileAccess } from "./fileAccess.ts";
import { ReadBudget } from "./ReadBudget.ts";

const SIGNED_INTEGER = 2; // TIFF SampleFormat tag

/** One page's pixels with the dtype its SampleFormat says (the decoder yields unsigned storage). */
function pageArray(page: TiffIfd): NDArray {
  const pixels = page.data as TypedArray;
  const shape =
    page.samplesPerPixel > 1 ? [page.height, page.width, page.samplesPerPixel] : [page.height, page.width];
  if (page.sampleFormat === SIGNED_INTEGER && pixels instanceof Uint8Array) {
    return { shape, dtype: "int8", data: new Int8Array(pixels.buffer, pixels.byteOffset, pixels.length) };
  }
  if (page.sampleFormat === SIGNED_INTEGER && pixels instanceof Uint16Array) {
    return { shape, dtype: "int16", data: new Int16Array(pixels.buffer, pixels.byteOffset, pixels.length) };
  }
  if (pixels instanceof Uint8Array) return { shape, dtype: "uint8", data: pixels };
  if (pixels instanceof Uint16Array) return { shape, dtype: "uint16", data: pixels };
  if (pixels instanceof Float32Array) return { shape, dtype: "float32", data: pixels };
  if (pixels instanceof Float64Array) return { shape, dtype: "float64", data: pixels };
  throw new UnsupportedError(`TIFF sample type ${pixels.constructor.name} is not read`);
}

/** Bytes of the pixels the pages hold, from their headers: a small compressed file can decode to gigabytes. */
function pixelBytes(pages: TiffIfd[]): number {
  return pages.reduce(
    (sum, page) => sum + page.width * page.height * page.samplesPerPixel * Math.ceil(page.bitsPerSample / 8),
    0,
  );
}

/** Decodes TIFF bytes, the pixels charged to `budget` before they are decoded; `source` names the file in errors. */
export function decodeTiff(bytes: Uint8Array, source: string, budget = ReadBudget.capped()): NDArray {
  let pages: TiffIfd[];
  try {
    budget.charge(pixelBytes(decode(bytes, { ignoreImageData: true })), `TIFF ${source}`);
    pages = decode(bytes);
  } catch (error) {
    if (error instanceof DatabrokerError) throw error;
    const message = (error as Error).message;
    if (/unsupported/i.test(message)) throw new UnsupportedError(`${source}: TIFF ${message}`);
    throw new UnreadableError(source, "TIFF", message);
  }
  if (pages.length === 0) throw new UnreadableError(source, "TIFF", "no image in file");
  const arrays = pages.map(pageArray);
  return arrays.length === 1 ? arrays[0] : stack(arrays);
}

/** A TIFF file opened through `files` (by default, a path the caller chose: any regular file). */
export function readTiffFile(path: string, files = FileAccess.callerChosen()): NDArray {
  return decodeTiff(files.readWhole(path), path, files.budget);
}
