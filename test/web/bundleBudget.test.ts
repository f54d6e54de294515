// The page's first load stays small: every script, stylesheet and modulepreload that dist/web/index.html
// references, gzipped at level 9, at most 300 kB together.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { gzipSync } from "node:zlib";
import { WEB_DIST } from "./pageBuild.ts";

const BUDGET = 300 * 1024;

/** The same-origin files the HTML loads at once: script src, stylesheet and modulepreload href. */
function firstLoad(html: string): string[] {
  const files = new Set<string>();
  for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const isLink = tag.startsWith("<link");
    if (isLink && !/\brel="(stylesheet|modulepreload)"/.test(tag)) continue;
    const url = /\b(?:src|href)="(\/[^"]+)"/.exec(tag)?.[1];
    if (url) files.add(url);
  }
  return [...files];
}

test(`the first load, gzipped, is at most ${BUDGET / 1024} kB`, () => {
  const index = join(WEB_DIST, "index.html");
  assert.ok(existsSync(index), `${index} is missing: run npm run build`);
  const files = firstLoad(readFileSync(index, "utf8"));
  assert.ok(files.length > 0, "index.html references no script");
  let total = 0;
  for (const url of files) {
    const size = gzipSync(readFileSync(join(WEB_DIST, url)), { level: 9 }).length;
    console.log(`# ${url}: ${(size / 1024).toFixed(1)} kB gzipped`);
    total += size;
  }
  console.log(`# first load: ${(total / 1024).toFixed(1)} kB gzipped of ${BUDGET / 1024} kB`);
  assert.ok(total <= BUDGET, `the first load is ${total} bytes gzipped, over the budget of ${BUDGET}`);
});
