// Packs single datums into datum pages as they stream in: one open page per resource, closed when full or
// when the next datum's datum_kwargs keys differ (a page is rectangular).
import { packDatumPage } from "../../documents/pages.ts";
import type { Datum, DatumPage } from "../../documents/types.ts";
import { encodeDatumPage } from "../pages/datumPageRecord.ts";
import type { DatumPageRecord } from "../records.ts";
import { hasExactlyKeys, keysOf } from "./sameKeys.ts";

const MAX_ROWS = 1024;

interface OpenPage {
  pageNo: number;
  datums: Datum[];
  kwargKeys: string[] | null;
}

export class DatumPager {
  private readonly open = new Map<string, OpenPage>();

  constructor(
    private readonly nextPageNo: () => number,
    private readonly emit: (record: DatumPageRecord) => void,
  ) {}

  add(datum: Datum): [pageNo: number, row: number] {
    let page = this.open.get(datum.resource);
    if (page && !hasExactlyKeys(datum.datum_kwargs, page.kwargKeys)) {
      this.close(datum.resource);
      page = undefined;
    }
    if (!page) {
      page = { pageNo: this.nextPageNo(), datums: [], kwargKeys: keysOf(datum.datum_kwargs) };
      this.open.set(datum.resource, page);
    }
    const row = page.datums.length;
    page.datums.push(datum);
    if (page.datums.length >= MAX_ROWS) this.close(datum.resource);
    return [page.pageNo, row];
  }

  addPage(datumPage: DatumPage): number {
    this.close(datumPage.resource);
    const pageNo = this.nextPageNo();
    this.emit(encodeDatumPage(pageNo, datumPage.resource, "datum_page", datumPage));
    return pageNo;
  }

  closeAll(): void {
    for (const resource of [...this.open.keys()]) this.close(resource);
  }

  private close(resource: string): void {
    const page = this.open.get(resource);
    if (!page) return;
    this.open.delete(resource);
    this.emit(encodeDatumPage(page.pageNo, resource, "datum", packDatumPage(page.datums)));
  }
}
