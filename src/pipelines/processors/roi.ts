// `roi`: per event, the sum of each region of interest of an image field (2-D, or 3-D frames summed over
// too), read through the handlers when the images are external. A region `name:x0,y0,x1,y1` spans columns
// x0..x1-1 and rows y0..y1-1 (numpy's image[y0:y1, x0:x1], clipped to the image as slicing is).
import type { DataKey, EventPage } from "../../documents/types.ts";
import { ValidationError } from "../../errors.ts";
import { fromNested, isNDArray, type NDArray } from "../../tables/NDArray.ts";
import type { ParamValue, Processor } from "../Processor.ts";
import { StreamReader } from "../StreamReader.ts";

interface Region {
  name: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function region(text: string): ParamValue {
  const colon = text.indexOf(":");
  const name = colon < 0 ? "" : text.slice(0, colon);
  const corners = (colon < 0 ? text : text.slice(colon + 1)).split(",").map(Number);
  if (colon === 0 || !/^[A-Za-z0-9_]*$/.test(name))
    throw new Error("a region's name is letters, digits and _ (name:x0,y0,x1,y1)");
  if (corners.length !== 4 || !corners.every((n) => Number.isInteger(n) && n >= 0))
    throw new Error("expected name:x0,y0,x1,y1, four whole numbers >= 0");
  const [x0, y0, x1, y1] = corners;
  if (x1 <= x0 || y1 <= y0) throw new Error("expected x1 > x0 and y1 > y0");
  return { name, x0, y0, x1, y1 };
}

function imageOf(value: unknown, field: string, seqNum: number): NDArray {
  if (isNDArray(value)) return value;
  if (Array.isArray(value)) return fromNested(value);
  throw new ValidationError(
    `field ${field} of event seq_num ${seqNum} is ${typeof value === "string" ? "an unresolved datum id" : typeof value}, not an image`,
  );
}

/** Σ image[.., y0:y1, x0:x1] over every frame. */
function regionSum(image: NDArray, { x0, y0, x1, y1 }: Region, field: string): number {
  const { shape, data } = image;
  if (shape.length < 2 || shape.length > 3)
    throw new ValidationError(
      `field ${field} has shape [${shape.join(", ")}]: roi needs 2-D images or 3-D frames`,
    );
  const [rows, cols] = shape.slice(-2);
  const frames = shape.length === 3 ? shape[0] : 1;
  let sum = 0;
  for (let frame = 0; frame < frames; frame++)
    for (let row = y0; row < Math.min(y1, rows); row++) {
      const base = (frame * rows + row) * cols;
      for (let col = x0; col < Math.min(x1, cols); col++) sum += Number(data[base + col]);
    }
  return sum;
}

export const roi: Processor = {
  name: "roi",
  version: "1",
  summary: "sums of rectangular regions of an image field per event (stream primary, fields roi_<name>)",
  fill: true,
  params: [
    { name: "field", help: "the image field" },
    {
      name: "roi",
      help: "a region name:x0,y0,x1,y1 (columns x0..x1-1, rows y0..y1-1)",
      parse: region,
      repeatable: true,
    },
    { name: "stream", help: "the input stream", default: "primary" },
  ],
  create(params, output) {
    const field = params.field as string;
    const regions = (params.roi as unknown as Region[]).map((each, i) => ({
      ...each,
      name: each.name || `${i}`,
    }));
    const dataKeys: Record<string, DataKey> = {
      input_seq_num: { dtype: "integer", shape: [], source: "databroker pipe roi: the input event" },
    };
    for (const each of regions) {
      const key = `roi_${each.name}`;
      if (key in dataKeys) throw new ValidationError(`two regions are named ${each.name}`);
      dataKeys[key] = {
        dtype: "number",
        shape: [],
        source: `databroker pipe roi: sum of ${field}[${each.y0}:${each.y1}, ${each.x0}:${each.x1}]`,
      };
    }
    let declared = false;
    return new (class extends StreamReader {
      protected rows(page: EventPage): void {
        if (!declared) output.stream("primary", dataKeys);
        declared = true;
        const column = page.data[field];
        if (column === undefined)
          throw new ValidationError(
            `the events of stream ${this.streamName} carry no ${field} (a misspelled field, or a StreamResource's ` +
              "data, which roi does not read from stream_datum documents yet)",
          );
        for (let row = 0; row < page.seq_num.length; row++) {
          const image = imageOf(column[row], field, page.seq_num[row]);
          const data: Record<string, unknown> = { input_seq_num: page.seq_num[row] };
          for (const each of regions) data[`roi_${each.name}`] = regionSum(image, each, field);
          output.event("primary", data, page.time[row]);
        }
      }
    })(params.stream as string, [field]);
  },
};
