// Previous/next paging for the API's paged lists (page is 1-based, as Radarr's).
import { html } from '../lib/html.js';

export function Pager({ page, pageSize, total, onPage, label }) {
  const pages = Math.max(1, Math.ceil((total || 0) / pageSize));
  return html`<nav class="pager" aria-label=${label || 'Pages'}>
    <button type="button" class="secondary" disabled=${page <= 1} onClick=${() => onPage(page - 1)}>Previous</button>
    <span>Page ${page} of ${pages} · ${total || 0} in all</span>
    <button type="button" class="secondary" disabled=${page >= pages} onClick=${() => onPage(page + 1)}>Next</button>
  </nav>`;
}
