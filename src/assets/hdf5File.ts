// HDF5 files through h5wasm (HDF5 compiled to WebAssembly, reading the real file system in Node):
// open a file, find a dataset, read a range of rows as an NDArray. Only the rows asked for are read.
import type { Dataset, Group, File as H5File } from "h5wasm/node";
import { NotFoundError, UnreadableError, UnsupportedError, ValidationError } from "../errors.ts";
import { allocate, type DType, type TypedArray } from "../tables/DType.ts";
import type { NDArray } from "../tables/NDArray.ts";
import { HOST_IS_LITTLE_ENDIAN } from "../tables/numpyDtype.ts";
import { swapBytes } from "./byteOrder.ts";
import { FileAccess, type RandomAccessFile } from "./fileAccess.ts";
import { h5wasmModule } from "./h5wasmModule.ts";
import { ReadBudget } from "./ReadBudget.ts";

// HDF5's H5T_class_t values (stable in the C API).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;

interface TypeMetadata {
  type: number;
  size: number;
  signed: boolean;
  littleEndian: boolean;
  enum_type?: { type: number; size: number; signed: boolean; members: Record<string, number> };
}

function dtypeOf(metadata: TypeMetadata, where: string): DType {
  let { type, size, signed } = metadata;
  if (type === H5T_ENUM && metadata.enum_type) {
    const members = Object.keys(metadata.enum_type.members).sort().join(",");
    if (members === "FALSE,TRUE") return "bool"; // h5py's boolean convention
    ({ type, size, signed } = metadata.enum_type);
  }
  if (type === H5T_INTEGER && [1, 2, 4, 8].includes(size))
    return `${signed ? "int" : "uint"}${size * 8}` as DType;
  if (type === H5T_FLOAT && size === 4) return "float32";
  if (type === H5T_FLOAT && size === 8) return "float64";
  if (type === H5T_STRING) return "string";
  throw new UnsupportedError(`${where}: HDF5 datatype class ${type} of ${size} bytes is not read`);
}

export class Hdf5Dataset {
  readonly name: string;
  readonly dtype: DType;
  private readonly owner: Hdf5File;
  private dataset: Dataset;
  private generation: number;

  constructor(owner: Hdf5File, name: string) {
    this.owner = owner;
    this.name = name;
    this.generation = owner.generation;
    this.dataset = owner.lookup(name);
    this.dtype = dtypeOf(this.dataset.metadata as unknown as TypeMetadata, `${owner.path}:${name}`);
  }

  /** The h5wasm dataset of the file as currently opened (the file may have been reopened since). */
  private current(): Dataset {
    if (this.generation !== this.owner.generation) {
      this.dataset = this.owner.lookup(this.name);
      this.generation = this.owner.generation;
    }
    return this.dataset;
  }

  get shape(): number[] {
    return [...(this.current().shape ?? [])];
  }

  /** Rows [start, stop) along the first axis: shape [stop - start, ...rest], charged to `budget` before reading. */
  readRows(start: number, stop: number, budget = ReadBudget.capped()): NDArray {
    if (this.shape.length === 0) {
      throw new ValidationError(`${this.owner.path}:${this.name} is a scalar dataset, it has no rows`);
    }
    if (stop > this.shape[0]) this.owner.reopen(); // a writer may have added rows since the file was opened
    const rows = this.shape[0];
    if (!Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || start > stop || stop > rows) {
      throw new ValidationError(
        `rows [${start}, ${stop}) are outside dataset ${this.name} of ${rows} rows in ${this.owner.path}`,
      );
    }
    const shape = [stop - start, ...this.shape.slice(1)];
    const itemBytes = (this.current().metadata as unknown as TypeMetadata).size;
    budget.charge(
      shape.reduce((product, n) => product * n, itemBytes),
      `rows [${start}, ${stop}) of ${this.owner.path}:${this.name}`,
    );
    if (start === stop) return { shape, dtype: this.dtype, data: allocate(this.dtype, 0) };
    const values = this.current().slice([[start, stop]]);
    return { shape, dtype: this.dtype, data: this.toStorage(values) };
  }

  private toStorage(values: unknown): NDArray["data"] {
    const metadata = this.current().metadata as unknown as TypeMetadata;
    if (Array.isArray(values)) return values;
    const typed = values as TypedArray;
    // h5wasm hands over the file's bytes as they are; big-endian data needs swapping here.
    if (!metadata.littleEndian && HOST_IS_LITTLE_ENDIAN && typed.BYTES_PER_ELEMENT > 1) {
      swapBytes(new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength), typed.BYTES_PER_ELEMENT);
    }
    if (this.dtype === "bool") return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
    return typed;
  }
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

/**
 * The superblock version, from the signature at byte 0, 512, 1024, 2048, ...; undefined when the file
 * has no HDF5 signature (checked before h5wasm sees the file: it prints diagnostics on junk).
 */
function superblockVersion(file: RandomAccessFile): number | undefined {
  try {
    for (let at = 0; at + SIGNATURE.length < file.size; at = at === 0 ? 512 : at * 2) {
      const bytes = file.read(at, SIGNATURE.length + 1);
      if (SIGNATURE.every((byte, i) => bytes[i] === byte)) return bytes[SIGNATURE.length];
    }
    return undefined;
  } finally {
    file.close();
  }
}

/** SWMR needs superblock version 3 or later (files written with libver "latest"). */
const FIRST_SWMR_SUPERBLOCK = 3;

/**
 * An HDF5 file open for reading. h5wasm's `Dataset.refresh()` corrupts later reads and a failed SWMR open
 * spoils the library's state, so a file is opened in SWMR mode only when its superblock allows it, and
 * new rows written since opening are seen by reopening the file.
 */
export class Hdf5File {
  readonly path: string;
  private readonly mode: "r" | "Sr";
  private file: H5File;
  /** Increases on every reopen, so datasets know to look themselves up again. */
  generation = 0;

  private constructor(
    path: string,
    mode: "r" | "Sr",
    private readonly h5wasm: Awaited<ReturnType<typeof h5wasmModule>>,
  ) {
    this.path = path;
    this.mode = mode;
    this.file = this.openFile();
  }

  /**
   * Opens an HDF5 file for reading through `files` (by default, a path the caller chose: any regular file);
   * `swmr`: single-writer/multiple-reader mode, for files being written. h5wasm is given the real path
   * that was checked, so a symlink changed afterwards cannot redirect it.
   */
  static async open(
    path: string,
    options: { swmr?: boolean } = {},
    files = FileAccess.callerChosen(),
  ): Promise<Hdf5File> {
    const h5wasm = await h5wasmModule();
    const file = files.open(path);
    const version = superblockVersion(file);
    if (version === undefined)
      throw new UnreadableError(path, "byte 0", "not an HDF5 file (no HDF5 signature)");
    return new Hdf5File(file.path, options.swmr && version >= FIRST_SWMR_SUPERBLOCK ? "Sr" : "r", h5wasm);
  }

  private openFile(): H5File {
    const file = new this.h5wasm.File(this.path, this.mode);
    if (file.file_id < 0n) throw new UnreadableError(this.path, "byte 0", "not a readable HDF5 file");
    return file;
  }

  /** Closes and opens the file again, to see what a writer added since. */
  reopen(): void {
    this.file.close();
    this.file = this.openFile();
    this.generation++;
  }

  /** The dataset at an absolute path such as `/entry/data/data`. */
  dataset(name: string): Hdf5Dataset {
    return new Hdf5Dataset(this, name);
  }

  /** The h5wasm dataset at `name`, found by walking the groups' keys (h5wasm is noisy about missing paths). */
  lookup(name: string): Dataset {
    let node: Group = this.file;
    const parts = name.split("/").filter((part) => part !== "");
    for (const [i, part] of parts.entries()) {
      if (!node.keys().includes(part)) {
        throw new NotFoundError(`no HDF5 object ${name} in ${this.path} (missing "${part}")`);
      }
      const child = node.get(part);
      if (i === parts.length - 1) {
        if (child instanceof this.h5wasm.Dataset) return child;
        throw new NotFoundError(`HDF5 object ${name} in ${this.path} is not a dataset`);
      }
      if (!(child instanceof this.h5wasm.Group)) {
        throw new NotFoundError(`HDF5 object ${name} in ${this.path} is not a group`);
      }
      node = child;
    }
    throw new NotFoundError(`no HDF5 dataset named "${name}" in ${this.path}`);
  }

  close(): void {
    this.file.close();
  }
}
