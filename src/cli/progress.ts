// Progress of a long command over a known number of bytes, on stderr: a bar with percent, rate and ETA on a
// terminal; when stderr is not a terminal (a log, CI), a plain line now and then that a script can parse;
// nothing with --quiet. Messages go through `log`, so they never tear the bar.
import { performance } from "node:perf_hooks";
import cliProgress from "cli-progress";

export type ProgressMode = "bar" | "lines" | "none";

/** The mode for a command: none when quiet, a bar on a terminal, lines otherwise. */
export function progressModeFor(
  quiet: boolean | undefined,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressMode {
  if (quiet) return "none";
  return stream.isTTY ? "bar" : "lines";
}

/** Seconds between plain lines: few enough for a log (DATABROKER_PROGRESS_INTERVAL overrides). */
export function progressLineInterval(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.DATABROKER_PROGRESS_INTERVAL);
  return env.DATABROKER_PROGRESS_INTERVAL !== undefined && Number.isFinite(seconds) && seconds >= 0
    ? seconds
    : 10;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** What a progress counts: bytes read (ingest), runs done (export), fields indexed (index). */
export interface ProgressUnit {
  amount(n: number): string;
}

export const BYTES: ProgressUnit = { amount: formatBytes };
/** A count of `noun`s: `1 run`, `2.5 runs`. */
function counted(noun: string): ProgressUnit {
  return { amount: (n) => (n === 1 ? `1 ${noun}` : `${Number(n.toFixed(2))} ${noun}s`) };
}

export const RUNS: ProgressUnit = counted("run");
export const FIELDS: ProgressUnit = counted("field");

/** The figures of a moment: what the bar and the plain lines both show. */
export function progressFigures(done: number, total: number, seconds: number, unit: ProgressUnit = BYTES) {
  const rate = seconds > 0 ? done / seconds : 0;
  return {
    percent: total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 100,
    done: unit.amount(done),
    total: unit.amount(total),
    rate: `${unit.amount(rate)}/s`,
    eta: rate > 0 ? formatDuration((total - done) / rate) : "?",
  };
}

/** `ingest: 42% of 29.2 MB, 8.1 MB/s, ETA 2 s`: one plain line. */
export function progressLine(
  label: string,
  done: number,
  total: number,
  seconds: number,
  unit: ProgressUnit = BYTES,
): string {
  const { percent, total: of, rate, eta } = progressFigures(done, total, seconds, unit);
  return `${label}: ${percent}% of ${of}, ${rate}, ETA ${eta}`;
}

export interface ProgressOptions {
  label: string;
  mode: ProgressMode;
  /** Seconds between plain lines. */
  interval?: number;
  /** Where the bar, lines and messages go. */
  stream?: NodeJS.WriteStream;
  /** Seconds since some fixed moment (a parameter so the plain-line pacing can be tested). */
  now?: () => number;
  /** What `start`'s total counts (default bytes). */
  unit?: ProgressUnit;
  /** More to show after the figures (e.g. the bytes an export has written). */
  detail?: () => string;
}

export class Progress {
  private readonly label: string;
  private readonly mode: ProgressMode;
  private readonly interval: number;
  private readonly stream: NodeJS.WriteStream;
  private readonly now: () => number;
  private readonly unit: ProgressUnit;
  private readonly detail: () => string;
  private readonly started: number;
  private lastLine: number;
  private total = 0;
  private done = 0;
  private bars?: cliProgress.MultiBar;
  private bar?: cliProgress.SingleBar;

  constructor(options: ProgressOptions) {
    this.label = options.label;
    this.mode = options.mode;
    this.interval = options.interval ?? progressLineInterval();
    this.stream = options.stream ?? process.stderr;
    this.now = options.now ?? (() => performance.now() / 1000);
    this.unit = options.unit ?? BYTES;
    this.detail = options.detail ?? (() => "");
    this.started = this.now();
    this.lastLine = this.started;
  }

  /** The bytes the whole work reads; the bar starts here. */
  start(total: number): void {
    this.total = total;
    if (this.mode !== "bar") return;
    this.bars = new cliProgress.MultiBar({
      format: `${this.label} |{bar}| {percentage}% of {totalBytes} | {rate} | ETA {eta}{detail}`,
      stream: this.stream,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    this.bar = this.bars.create(Math.max(total, 1), 0, this.payload());
  }

  /** `bytes` more were read. */
  advance(bytes: number): void {
    this.moveTo(this.done + bytes);
  }

  /** So many bytes are read in all (a source finished: its size, whatever its reader reported). */
  moveTo(done: number): void {
    this.done = Math.min(done, this.total);
    if (this.bar) this.bar.update(this.done, this.payload());
    else if (this.mode === "lines" && this.now() - this.lastLine >= this.interval) {
      this.lastLine = this.now();
      const line = progressLine(this.label, this.done, this.total, this.lastLine - this.started, this.unit);
      this.stream.write(`${line}${this.detailText()}\n`);
    }
  }

  /** A message on a line of its own (above the bar on a terminal). */
  log(message: string): void {
    if (this.bars) {
      this.bars.log(`${message}\n`);
      this.bars.update(); // drawn now: the buffered message would be lost if the bar stopped first
    } else this.stream.write(`${message}\n`);
  }

  /** A line of the command's output (stdout), drawn above the bar when both share a terminal. */
  output(line: string): void {
    if (this.bars && process.stdout.isTTY) this.log(line);
    else process.stdout.write(`${line}\n`);
  }

  stop(): void {
    // Drawn once at the end, or a command quicker than the bar's first frame would never show one.
    this.bars?.update();
    this.bars?.stop();
    this.bars = undefined;
    this.bar = undefined;
  }

  /** Redraws with what `detail` says now, the count unchanged. */
  refresh(): void {
    this.bar?.update(this.done, this.payload());
  }

  private detailText(): string {
    const detail = this.detail();
    return detail === "" ? "" : `, ${detail}`;
  }

  private payload() {
    const { total, rate, eta } = progressFigures(this.done, this.total, this.now() - this.started, this.unit);
    const detail = this.detail();
    return { totalBytes: total, rate, eta, detail: detail === "" ? "" : ` | ${detail}` };
  }
}
