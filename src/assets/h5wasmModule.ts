// h5wasm, loaded on first use. Its module carries HDF5 built to WebAssembly (megabytes of JavaScript), and
// importing it at start-up cost every command and every process ~1.2 s (through tsx) whether it read an HDF5
// file or not.
type H5wasm = typeof import("h5wasm/node")["default"];

let loading: Promise<H5wasm> | undefined;

/** The h5wasm module, ready to open files. */
export function h5wasmModule(): Promise<H5wasm> {
  loading ??= import("h5wasm/node").then(async ({ default: h5wasm }) => {
    await h5wasm.ready;
    return h5wasm;
  });
  return loading;
}
