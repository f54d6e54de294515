// A federation's partial answer on the command line: one warning line per failed source or differing run on
// stderr, after the results (which stay parseable on stdout); the exit code stays 0, the answer being usable.
import type { FederationReport } from "../storage/federation/FederationReport.ts";

export function warnPartial(command: string, report: FederationReport): void {
  for (const line of report.lines()) console.error(`databroker ${command}: warning: ${line}`);
}
