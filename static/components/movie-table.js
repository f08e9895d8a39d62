// The Movies page's table view: fixed-height rows, only those near the viewport in the DOM
// (a spacer row above and the wrapper's height keep the table's full height).
import { html, useRef } from '../lib/html.js';
import { useWindowRows } from './virtual.js';
import { fileState } from './movie-grid.js';
import { bytes, date } from './format.js';

const ROW_H = 44;
/** The header row's height (fixed in style.css) plus the wrapper's borders. */
const HEAD_H = 42;
const COLS = 7;

/** A column header; sortable ones are buttons that sort by them (again: the other direction). */
function Head({ label, k, sort, cls }) {
  if (!k) return html`<th scope="col" class=${cls}>${label}</th>`;
  const on = sort.key === k;
  return html`<th scope="col" class=${cls} aria-sort=${on ? (sort.desc ? 'descending' : 'ascending') : undefined}>
    <button type="button" class="th-sort" onClick=${() => sort.set(k)}>${label}${on ? (sort.desc ? ' ▼' : ' ▲') : ''}</button></th>`;
}

export function MovieTable({ movies, profiles, sort }) {
  const ref = useRef(null);
  const { first, last } = useWindowRows(ref, ROW_H, 8);
  const from = Math.min(first, movies.length);
  const to = Math.min(last, movies.length);
  const shown = movies.slice(from, to);
  // The wrapper holds the full height, so rows added below the window never move anything.
  return html`<div class="table-wrap" style=${{ minHeight: `${HEAD_H + movies.length * ROW_H}px` }}><table ref=${ref} class="movie-table" aria-rowcount=${movies.length + 1}>
    <thead><tr aria-rowindex="1">
      <${Head} label="Title" k="title" sort=${sort} cls="c-title" /><${Head} label="Year" k="year" sort=${sort} cls="num" />
      <${Head} label="Quality profile" sort=${sort} /><${Head} label="Status" sort=${sort} /><${Head} label="Monitored" sort=${sort} />
      <${Head} label="Size" k="size" sort=${sort} cls="num" /><${Head} label="Added" k="added" sort=${sort} />
    </tr></thead>
    <tbody>
      ${from > 0 && html`<tr class="spacer" aria-hidden="true" style=${{ height: `${from * ROW_H}px` }}><td colspan=${COLS}></td></tr>`}
      ${shown.map((m, i) => html`<tr key=${m.id} aria-rowindex=${from + i + 2}>
        <td class="c-title"><a href=${`#/movie/${m.id}`}>${m.title}</a></td>
        <td class="num">${m.year || '—'}</td>
        <td>${profiles[m.qualityProfileId] || '—'}</td>
        <td>${fileState(m)}</td>
        <td>${m.monitored ? 'Yes' : 'No'}</td>
        <td class="num">${m.hasFile ? bytes(m.sizeOnDisk) : '—'}</td>
        <td>${date(m.added)}</td>
      </tr>`)}
    </tbody>
  </table></div>`;
}
