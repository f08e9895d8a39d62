// The Movies page's table view: fixed-height rows, only those near the viewport in the DOM
// (spacer rows above and below keep the table's full height).
import { html, useRef } from '../lib/html.js';
import { useWindowRows } from './virtual.js';
import { fileState } from './movie-grid.js';
import { bytes, date } from './format.js';

const ROW_H = 44;
const COLS = 7;

export function MovieTable({ movies, profiles }) {
  const ref = useRef(null);
  const { first, last } = useWindowRows(ref, ROW_H, 8);
  const from = Math.min(first, movies.length);
  const to = Math.min(last, movies.length);
  const shown = movies.slice(from, to);
  return html`<div class="table-wrap"><table ref=${ref} class="movie-table" aria-rowcount=${movies.length + 1}>
    <thead><tr aria-rowindex="1">
      <th scope="col" class="c-title">Title</th><th scope="col" class="num">Year</th><th scope="col">Quality profile</th>
      <th scope="col">Status</th><th scope="col">Monitored</th><th scope="col" class="num">Size</th><th scope="col">Added</th>
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
      ${to < movies.length && html`<tr class="spacer" aria-hidden="true" style=${{ height: `${(movies.length - to) * ROW_H}px` }}><td colspan=${COLS}></td></tr>`}
    </tbody>
  </table></div>`;
}
