// `rolling`: the rolling mean of scalar fields over the last `window` events of a stream (fewer at its
// beginning, as pandas' rolling(window, min_periods=1)); one output event per input event, fields
// `<field>_mean`, and `input_seq_num` to tie each to its input.
import type { DataKey, EventPage } from "../../documents/types.ts";
import type { Processor } from "../Processor.ts";
import { nameList, wholeNumber } from "../processorParams.ts";
import { numberAt, StreamReader } from "../StreamReader.ts";

/** The last `size` values of one field, oldest first when summed. */
class Window {
  private readonly values: number[] = [];
  constructor(private readonly size: number) {}
  /** Adds a value and returns the mean of the window, summed oldest to newest (as a plain loop would). */
  mean(value: number): number {
    this.values.push(value);
    if (this.values.length > this.size) this.values.shift();
    let sum = 0;
    for (const each of this.values) sum += each;
    return sum / this.values.length;
  }
}

export const rolling: Processor = {
  name: "rolling",
  version: "1",
  summary: "rolling mean of scalar fields over the last N events (stream primary, fields <field>_mean)",
  params: [
    { name: "fields", help: "fields to average, separated by commas", parse: nameList },
    { name: "window", help: "events averaged, a whole number >= 1", default: 10, parse: wholeNumber(1) },
    { name: "stream", help: "the input stream", default: "primary" },
  ],
  create(params, output) {
    const fields = params.fields as string[];
    const windows = new Map(fields.map((field) => [field, new Window(params.window as number)]));
    const dataKeys: Record<string, DataKey> = {
      input_seq_num: { dtype: "integer", shape: [], source: "databroker pipe rolling: the input event" },
    };
    for (const field of fields)
      dataKeys[`${field}_mean`] = {
        dtype: "number",
        shape: [],
        source: `databroker pipe rolling: mean of ${field}`,
      };
    let declared = false;
    return new (class extends StreamReader {
      protected rows(page: EventPage): void {
        if (!declared) output.stream("primary", dataKeys);
        declared = true;
        for (let row = 0; row < page.seq_num.length; row++) {
          const data: Record<string, unknown> = { input_seq_num: page.seq_num[row] };
          for (const [field, window] of windows) {
            const value = numberAt(page, field, row);
            data[`${field}_mean`] = value === undefined ? null : window.mean(value);
          }
          output.event("primary", data, page.time[row]);
        }
      }
    })(params.stream as string, fields);
  },
};
