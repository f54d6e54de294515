// Color maps as 256-entry RGB lookup tables, interpolated between a few anchor colors of each map.
export const COLORMAPS: Record<string, string[]> = {
  gray: ["#000000", "#ffffff"],
  viridis: [
    "#440154",
    "#482878",
    "#3e4989",
    "#31688e",
    "#26828e",
    "#1f9e89",
    "#35b779",
    "#6ece58",
    "#b5de2b",
    "#fde725",
  ],
  magma: [
    "#000004",
    "#180f3d",
    "#440f76",
    "#721f81",
    "#9e2f7f",
    "#cd4071",
    "#f1605d",
    "#fd9668",
    "#feca8d",
    "#fcfdbf",
  ],
  inferno: [
    "#000004",
    "#1b0c41",
    "#4a0c6b",
    "#781c6d",
    "#a52c60",
    "#cf4446",
    "#ed6925",
    "#fb9b06",
    "#f7d13d",
    "#fcffa4",
  ],
};

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

const tables = new Map<string, Uint8Array>();

/** The map's 256 colors as r,g,b bytes. */
export function lookupTable(name: string): Uint8Array {
  const cached = tables.get(name);
  if (cached) return cached;
  const anchors = (COLORMAPS[name] ?? COLORMAPS.gray).map(rgb);
  const table = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const position = (i / 255) * (anchors.length - 1);
    const low = Math.min(Math.floor(position), anchors.length - 2);
    const t = position - low;
    for (let c = 0; c < 3; c++)
      table[i * 3 + c] = Math.round(anchors[low][c] * (1 - t) + anchors[low + 1][c] * t);
  }
  tables.set(name, table);
  return table;
}
