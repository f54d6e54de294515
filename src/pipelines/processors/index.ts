// The processors `databroker pipe --run NAME` knows: the built-ins, then any added with registerProcessor.
import { NamedRegistry } from "../../NamedRegistry.ts";
import type { Processor } from "../Processor.ts";
import { peakstats } from "./peakstats.ts";
import { roi } from "./roi.ts";
import { rolling } from "./rolling.ts";

export const processors = new NamedRegistry<Processor>("processor");
for (const builtIn of [peakstats, roi, rolling]) processors.register(builtIn);

export function registerProcessor(processor: Processor): void {
  processors.register(processor);
}
