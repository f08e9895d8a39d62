// The Movies page's poster view: fixed-size cards in rows, only the rows near the viewport rendered
// (a spacer keeps the full height, so the scrollbar and positions never jump).
import { html, useRef } from '../lib/html.js';
import { useWindowRows } from './virtual.js';
import { Poster } from './poster.js';

const CARD_W = 150;
const GAP = 16;
/** Card height (poster 225 + two title lines + the year line) plus the gap below it. */
const ROW_H = 300 + GAP;

export function MovieGrid({ movies, profiles }) {
  const ref = useRef(null);
  const { first, last, width } = useWindowRows(ref, ROW_H, 2);
  const cols = Math.max(1, Math.floor((width + GAP) / (CARD_W + GAP)));
  const rows = Math.ceil(movies.length / cols);
  const from = Math.min(first, rows) * cols;
  const to = Math.min(last, rows) * cols;
  const shown = movies.slice(from, to);
  return html`<div ref=${ref} class="grid-outer" style=${{ height: `${rows * ROW_H}px` }}>
    <ul class="grid" style=${{ transform: `translateY(${Math.min(first, rows) * ROW_H}px)`, gridTemplateColumns: `repeat(${cols}, ${CARD_W}px)` }}>
      ${shown.map((m) => html`<li key=${m.id} class="movie-card">
        <a href=${`#/movie/${m.id}`} class="movie-link">
          <${Poster} movie=${m} />
          <span class="movie-title">${m.title}</span>
        </a>
        <span class="movie-meta">
          ${m.year || ''}
          <span class=${m.hasFile ? 'dot ok' : m.monitored ? 'dot warn' : 'dot'} title=${fileState(m)}></span>
          <span class="visually-hidden">${fileState(m)}${profiles[m.qualityProfileId] ? `, ${profiles[m.qualityProfileId]}` : ''}</span>
        </span>
      </li>`)}
    </ul>
  </div>`;
}

/** A movie's file state in words (also used by the table). */
export function fileState(m) {
  if (m.hasFile) return 'Downloaded';
  return m.monitored ? 'Missing' : 'Missing (unmonitored)';
}
