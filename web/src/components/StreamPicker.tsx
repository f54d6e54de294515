// Which of the run's streams a view shows.
import type { LoadedRun } from "../lib/runData.ts";

export function StreamPicker(props: { run: LoadedRun; value: string; onChange: (stream: string) => void }) {
  return (
    <label>
      Stream{" "}
      <select
        name="stream"
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        {props.run.streams.map((stream) => (
          <option key={stream.name} value={stream.name}>
            {stream.name} ({props.run.metadata.summary.events[stream.name] ?? 0} events)
          </option>
        ))}
      </select>
    </label>
  );
}
