// The web page's build (run by scripts/build.mjs, so by `npm ci`): web/ -> dist/web/, served by `databroker
// serve` at `/`. Preact's JSX through Vite's own transform: no framework plugin needed. While working on the
// page, `npx vite --config web/vite.config.ts` serves it with hot reload and passes API calls to a running
// `databroker serve` ($DATABROKER_URL, else http://127.0.0.1:8000).
import { env } from "node:process";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: { proxy: { "/api": env.DATABROKER_URL ?? "http://127.0.0.1:8000" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web/", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
});
