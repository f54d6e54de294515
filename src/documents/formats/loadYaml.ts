// yaml, loaded by the packs that need it: its many files cost every command start-up time. Imported lazily,
// a CommonJS package reaches the bundled command (esbuild's code splitting) as its `default` export only:
// `parse` and `stringify` are taken from there.
type Yaml = typeof import("yaml");

export async function loadYaml(): Promise<Yaml> {
  const module = (await import("yaml")) as Yaml & { default?: Yaml };
  return typeof module.parse === "function" ? module : module.default!;
}
