// Movie titles by id for lists that carry only movieId (queue, blocklist): each movie fetched once
// (GET /api/v3/movie/{id}) and remembered for the session, so a 10,000-movie library is never loaded.
import { html, useEffect, useState } from '../lib/html.js';
import { api } from '../lib/api.js';

const known = new Map();

/** `<MovieName id title?>`: a link named by the movie's title (fetched unless given; "Movie <id>" until known). */
export function MovieName({ id, title: given }) {
  const [title, setTitle] = useState(() => given || known.get(id));
  useEffect(() => {
    if (given) known.set(id, given);
    if (!id || known.has(id)) return;
    let live = true;
    api(`/api/v3/movie/${id}`)
      .then((m) => { known.set(id, m.title); if (live) setTitle(m.title); })
      .catch(() => {});
    return () => { live = false; };
  }, [id]);
  if (!id) return html`<span class="muted">No movie</span>`;
  return html`<a href=${`#/movie/${id}`}>${title || `Movie ${id}`}</a>`;
}
