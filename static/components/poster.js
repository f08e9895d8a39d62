// A movie's poster at a fixed size (no layout shift): the movie JSON's same-origin `images[].url`
// (reelarr's caching proxy), lazily loaded, or a neutral placeholder block when there is none.
import { html } from '../lib/html.js';

/** The poster URL when it is served by reelarr itself (CSP: no external images). */
export function posterUrl(movie) {
  const img = (movie.images || []).find((i) => i.coverType === 'poster');
  return img && typeof img.url === 'string' && img.url.startsWith('/') ? img.url : null;
}

/** `<Poster movie small>`: decorative (alt=""), since the title is always next to it. */
export function Poster({ movie, small }) {
  const url = posterUrl(movie);
  const w = small ? 60 : 150;
  const h = small ? 90 : 225;
  const cls = small ? 'poster small' : 'poster';
  if (!url) return html`<div class=${`${cls} ph`} aria-hidden="true">${small ? '' : movie.title}</div>`;
  return html`<img class=${cls} src=${url} alt="" width=${w} height=${h} loading="lazy" decoding="async" />`;
}
