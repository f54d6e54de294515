// Each stream's fields: dtype, shape per event, units, source, and whether the values live in external files.
import type { LoadedRun } from "../lib/runData.ts";

export function StreamFields({ run }: { run: LoadedRun }) {
  return (
    <div class="fields">
      {run.streams.map((stream) => (
        <section key={stream.name} aria-label={`Fields of ${stream.name}`}>
          <h2>
            {stream.name} <small>({run.metadata.summary.events[stream.name] ?? 0} events)</small>
          </h2>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">field</th>
                  <th scope="col">dtype</th>
                  <th scope="col">shape per event</th>
                  <th scope="col">units</th>
                  <th scope="col">source</th>
                  <th scope="col">external</th>
                </tr>
              </thead>
              <tbody>
                {stream.fields.map((field) => (
                  <tr key={field.name}>
                    <th scope="row">{field.name}</th>
                    <td>
                      {field.dataKey?.dtype ?? ""}{" "}
                      <code>{`${field.dataType.kind}${field.dataType.itemsize}`}</code>
                    </td>
                    <td>{JSON.stringify(field.shape.slice(1))}</td>
                    <td>{field.units ?? field.dataKey?.units ?? ""}</td>
                    <td>
                      <code>{field.source ?? field.dataKey?.source ?? ""}</code>
                    </td>
                    <td>{field.dataKey?.external ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
