// `npm run bench`: runs every bench/*.bench.ts in turn (or those named on the command line).
import { readdirSync } from "node:fs";

const dir = new URL("./", import.meta.url);
const wanted = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of files) {
  console.log(`\n## ${file}`);
  const module: { run: () => Promise<void> } = await import(new URL(file, dir).href);
  await module.run();
}
