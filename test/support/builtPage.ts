// A stand-in for the built web page (dist/web): index.html and a few assets/ files in a temp dir, so that
// server tests never depend on whether `npm run build` has run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface BuiltPage {
  /** The webRoot to give createServer. */
  dir: string;
  /** Names of files in assets/, by kind. */
  script: string;
  style: string;
  image: string;
  remove(): void;
}

export function builtPage(): BuiltPage {
  const dir = mkdtempSync(join(tmpdir(), "databroker-web-"));
  const page = {
    dir,
    script: "index-Ab12_cd.js",
    style: "index-Ef34-gh.css",
    image: "logo-0a1b.svg",
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  mkdirSync(join(dir, "assets"));
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><html><head><script type="module" src="/assets/${page.script}"></script>
<link rel="stylesheet" href="/assets/${page.style}"></head><body><div id="app"></div></body></html>\n`,
  );
  writeFileSync(
    join(dir, "assets", page.script),
    'document.getElementById("app").textContent = "test page";\n',
  );
  writeFileSync(join(dir, "assets", `${page.script}.map`), '{"version":3,"sources":[],"mappings":""}\n');
  writeFileSync(join(dir, "assets", page.style), "#app { color: black; }\n");
  writeFileSync(join(dir, "assets", page.image), '<svg xmlns="http://www.w3.org/2000/svg"/>\n');
  return page;
}
