// Chromium for the page's tests: Debian's /usr/bin/chromium (scripts/provision.sh installs it; nothing is
// downloaded at test time) driven by playwright-core, a recorder of what went wrong in a page, screenshots.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { projectRoot } from "../support/sharedData.ts";

export const CHROMIUM = "/usr/bin/chromium";

/** Headless, and quiet: without the background-networking flags Chromium keeps calling Google's services. */
const ARGS = [
  "--headless=new",
  "--no-sandbox", // root in CI
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run 'bash scripts/provision.sh' as root (Debian's chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/** Console errors, uncaught exceptions, failed requests and 5xx answers of `page` from now on (assert it stays empty). */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error")
      problems.push(`console error: ${message.text()} (${message.location().url || "no location"})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    // ERR_ABORTED is the browser cancelling a fetch (a navigation, a superseded search), not a failure.
    if (reason !== "net::ERR_ABORTED")
      problems.push(`request failed: ${request.method()} ${request.url()}: ${reason}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`server error: ${response.status()} ${response.url()}`);
  });
  return problems;
}

export const SCREENSHOTS = join(projectRoot, "test-results", "web");

/** A full-page PNG at test-results/web/<name>.png (git-ignored); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
