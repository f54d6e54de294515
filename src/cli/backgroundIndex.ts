// `serve --index`: the work of `databroker index` run beside the server once it listens, so a catalog whose
// external data is not indexed yet becomes searchable into data without a separate command. Each descriptor
// is committed as it is done; stopping the server stops the job between two fields (the next start resumes).
import type { Broker } from "../broker/Broker.ts";
import { indexFields } from "../broker/indexFields.ts";
import { cliMessageOf } from "./errors.ts";
import { indexFailureLine, indexSummaryLine } from "./indexReport.ts";

export interface BackgroundIndex {
  /** Stops the job (what it finished stays committed) and waits for it. */
  stop(): Promise<void>;
}

/** Starts the job; `log` gets one line per failed field and the summary. */
export function indexInBackground(broker: Broker, log: (line: string) => void): BackgroundIndex {
  const stopping = new AbortController();
  const job = indexFields(broker, {
    signal: stopping.signal,
    onFailure: (failure) => log(`index: ${indexFailureLine(failure)}`),
  }).then(
    (summary) => log(`index: ${indexSummaryLine(summary)}`),
    (error: unknown) => log(`index: stopped: ${cliMessageOf(error)}`),
  );
  return {
    async stop() {
      stopping.abort();
      await job;
    },
  };
}
