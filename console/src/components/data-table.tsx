/**
 * Every table of the console: sortable by each column (a button in the header, aria-sort), paged,
 * optionally filtered by the caller. Values sort by `sortValue` (numbers numerically, text with
 * Vietnamese collation).
 */
import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { formatNumber } from '../format.ts';

export interface Column<T> {
  key: string;
  label: string;
  value: (row: T) => string | number | null | undefined;
  render?: (row: T) => ComponentChildren;
  numeric?: boolean;
}

const collator = new Intl.Collator('vi', { numeric: true, sensitivity: 'base' });

export function DataTable<T>({
  caption,
  columns,
  rows,
  pageSize = 10,
  initialSort,
  empty = 'Chưa có dữ liệu.',
  rowKey,
}: {
  caption: string;
  columns: Column<T>[];
  rows: readonly T[];
  pageSize?: number;
  initialSort?: { key: string; dir: 'asc' | 'desc' };
  empty?: string;
  rowKey: (row: T) => string;
}) {
  const [sort, setSort] = useState(initialSort ?? null);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const col = columns.find((c) => c.key === sort.key);
    if (!col) return rows;
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = col.value(a);
      const y = col.value(b);
      if (x === y) return 0;
      if (x === null || x === undefined) return 1;
      if (y === null || y === undefined) return -1;
      return (
        sign *
        (typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y)))
      );
    });
  }, [rows, sort, columns]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const current = Math.min(page, pages - 1);
  const visible = sorted.slice(current * pageSize, (current + 1) * pageSize);
  const toggle = (key: string) => {
    setSort((s) => (s?.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' }));
    setPage(0);
  };
  return (
    // A scrolling region must be reachable by keyboard (360 px screens scroll wide tables sideways).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus (axe: scrollable-region-focusable)
    <section class="table-wrap" aria-label={caption} tabIndex={0}>
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                class={c.numeric ? 'num' : undefined}
                aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" class="sort" onClick={() => toggle(c.key)}>
                  {c.label}
                  <span aria-hidden="true" class="sort-mark">
                    {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {visible.length === 0 ? (
            <tr>
              <td colSpan={columns.length} class="empty">
                {empty}
              </td>
            </tr>
          ) : (
            visible.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.numeric ? 'num' : undefined}>
                    {c.render
                      ? c.render(row)
                      : c.numeric
                        ? formatNumber(c.value(row) as number)
                        : (c.value(row) ?? '—')}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
      {sorted.length > pageSize ? (
        <nav class="pager" aria-label={`Phân trang: ${caption}`}>
          <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
            ‹ Trang trước
          </button>
          <span aria-live="polite">
            Trang {current + 1}/{pages} · {formatNumber(sorted.length, 0)} dòng
          </span>
          <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
            Trang sau ›
          </button>
        </nav>
      ) : (
        <p class="table-count">{formatNumber(sorted.length, 0)} dòng</p>
      )}
    </section>
  );
}
