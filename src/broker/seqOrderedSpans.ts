// The events of a stream's descriptors in seq_num order, as spans of rows of the store's column pages: one
// descriptor passes its pages through whole; several are merged like sorted lists, a page at a time each.
import type { SeqRange } from "../catalog/SeqRange.ts";
import type { ColumnPage, ColumnReadOptions } from "../storage/ColumnPage.ts";
import type { Store } from "../storage/Store.ts";

/** Rows [from, to) of one column page. */
export interface RowSpan {
  page: ColumnPage;
  from: number;
  to: number;
}

interface Head {
  pages: AsyncIterator<ColumnPage>;
  page: ColumnPage;
  row: number;
}

async function nextPage(pages: AsyncIterator<ColumnPage>): Promise<ColumnPage | undefined> {
  for (let next = await pages.next(); !next.done; next = await pages.next()) {
    if (next.value.length > 0) return next.value;
  }
  return undefined;
}

/**
 * Spans of the descriptors' events within `seq`, only `fields` (all when undefined) and the parts `options`
 * asks for. With several
 * descriptors each one is read by its own iterator, so memory holds one page per descriptor; events of one
 * descriptor are taken in the order the store keeps them (seq_num order for well-formed runs).
 */
export async function* seqOrderedSpans(
  store: Store,
  descriptorUids: readonly string[],
  fields: string[] | undefined,
  seq: SeqRange | undefined,
  options?: ColumnReadOptions,
): AsyncGenerator<RowSpan> {
  if (descriptorUids.length === 1) {
    for await (const page of store.columns([...descriptorUids], fields, seq, options))
      if (page.length > 0) yield { page, from: 0, to: page.length };
    return;
  }
  const heads: Head[] = [];
  for (const uid of descriptorUids) {
    const pages = store.columns([uid], fields, seq, options)[Symbol.asyncIterator]();
    const page = await nextPage(pages);
    if (page) heads.push({ pages, page, row: 0 });
  }
  while (heads.length > 0) {
    let first = 0;
    for (let i = 1; i < heads.length; i++) {
      if (heads[i].page.seq_num[heads[i].row] < heads[first].page.seq_num[heads[first].row]) first = i;
    }
    const head = heads[first];
    // Take rows until another descriptor's next event comes first (at least one row, so ties progress).
    let bound = Number.POSITIVE_INFINITY;
    for (let i = 0; i < heads.length; i++) {
      if (i !== first) bound = Math.min(bound, heads[i].page.seq_num[heads[i].row]);
    }
    const seqNums = head.page.seq_num;
    let end = head.row + 1;
    while (end < head.page.length && seqNums[end] < bound) end++;
    yield { page: head.page, from: head.row, to: end };
    head.row = end;
    if (end === head.page.length) {
      const page = await nextPage(head.pages);
      if (page) {
        head.page = page;
        head.row = 0;
      } else heads.splice(first, 1);
    }
  }
}
