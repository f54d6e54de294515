// What is wrong with a configuration file, each finding as `FILE:LINE: key: rule` (the form `config check`
// prints and every command's one-line failure uses), so an editor jumps to the place.
import { ValidationError } from "../errors.ts";

export interface ConfigProblem {
  file: string;
  /** 1-based; undefined when the problem has no place in the file (a missing file). */
  line?: number;
  /** The key path (`server.port`, `catalogs.remote.api_key`); `yaml` for a syntax error. */
  key: string;
  rule: string;
}

export function problemText(problem: ConfigProblem): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `${where}: ${problem.key}: ${problem.rule}`;
}

/** A configuration that cannot be used: its first problem (and how many more) in one line. */
export class ConfigError extends ValidationError {
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more: databroker config check)` : "";
    super(`${problemText(problems[0])}${more}`);
    this.problems = problems;
  }
}
