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

export function MovieTable({ movies, profiles }) {
  const ref = useRef(null);
  const { first, last } = useWindowRows(ref, ROW_H, 8);
  const from = Math.min(first, movies.length);
  const to = Math.min(last, movies.length);
  const shown = movies.slice(from, to);
  // The wrapper holds the full height, so rows added below the window never move anything.
  return html`<div class="table-wrap" style=${{ minHeight: `${HEAD_H + movies.length * ROW_H}px` }}><table ref=${ref} class="movie-table" aria-rowcount=${movies.length + 1}>
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
    </tbody>
  </table></div>`;
}
