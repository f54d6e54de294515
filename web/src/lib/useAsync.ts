// Loads something for the current inputs: the previous request is aborted when they change, and the result
// keeps its last value while the next one loads (no flash of empty content).
import { useEffect, useState } from "preact/hooks";

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
}

export function useAsync<T>(
  load: (signal: AbortSignal) => Promise<T>,
  inputs: readonly unknown[],
): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: true });
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ data: previous.data, loading: true }));
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ data, loading: false }),
      (error: Error) => controller.signal.aborted || setState({ error, loading: false }),
    );
    return () => controller.abort();
  }, inputs);
  return state;
}
