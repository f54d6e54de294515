// A datum page record <-> its contents: datums of one resource kept in page (column) form, replayed as the
// datum_page they came in as, or one by one when they came in as single datums.
import { sliceDatumPage, unpackDatumPage } from "../../documents/pages.ts";
import type { Datum, DatumPage } from "../../documents/types.ts";
import { decodeExact, encodeExact } from "../codec/exactMsgpack.ts";
import type { DatumOrigin, DatumPageRecord } from "../records.ts";

type DatumColumns = Pick<DatumPage, "datum_id" | "datum_kwargs">;

export function encodeDatumPage(
  pageNo: number,
  resource: string,
  origin: DatumOrigin,
  page: DatumColumns,
): DatumPageRecord {
  const columns: DatumColumns = { datum_id: page.datum_id, datum_kwargs: page.datum_kwargs };
  return { pageNo, resource, origin, length: page.datum_id.length, body: encodeExact(columns) };
}

export function datumPageDocument(record: DatumPageRecord): DatumPage {
  const columns = decodeExact<DatumColumns>(record.body);
  return { resource: record.resource, datum_id: columns.datum_id, datum_kwargs: columns.datum_kwargs };
}

/** Rows `from .. from + count - 1` of the page as single datums. */
export function datumsOfPage(record: DatumPageRecord, from = 0, count = record.length - from): Datum[] {
  const page = datumPageDocument(record);
  return unpackDatumPage(
    from === 0 && count === record.length ? page : sliceDatumPage(page, from, from + count),
  );
}

/** The same page without the rows where `keep` is false. */
export function filterDatumPage(record: DatumPageRecord, keep: boolean[]): DatumPageRecord {
  const page = datumPageDocument(record);
  const kwargs: Record<string, unknown[]> = {};
  for (const key in page.datum_kwargs) kwargs[key] = page.datum_kwargs[key].filter((_, row) => keep[row]);
  const ids = page.datum_id.filter((_, row) => keep[row]);
  return encodeDatumPage(record.pageNo, record.resource, record.origin, {
    datum_id: ids,
    datum_kwargs: kwargs,
  });
}
