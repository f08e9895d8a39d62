// Root folders: list with free space and unmapped folders, add by path, delete.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import { Msg, useMsg, problem } from './msg.js';

/** Bytes as GB/TB, for free space. */
export function size(b) {
  if (b == null) return '—';
  const u = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i += 1; }
  return `${b.toFixed(i > 2 ? 1 : 0)} ${u[i]}`;
}

export default function RootFolderSection() {
  const list = usePoll('/api/v3/rootfolder', 0);
  const [path, setPath] = useState('');
  const [msg, say] = useMsg();
  const add = async (e) => {
    e.preventDefault();
    try {
      await api('/api/v3/rootfolder', { method: 'POST', body: { path } });
      say.ok(`${path} added.`);
      setPath('');
      list.reload();
    } catch (err) { say.err(`${path} not added: ${problem(err)}`); }
  };
  const del = async (r) => {
    if (!window.confirm(`Remove root folder ${r.path}? Files stay on disk.`)) return;
    try { await api(`/api/v3/rootfolder/${r.id}`, { method: 'DELETE' }); say.ok(`${r.path} removed.`); list.reload(); } catch (err) { say.err(`Not removed: ${problem(err)}`); }
  };
  return html`<section class="settings-section" aria-labelledby="root-h">
    <h2 id="root-h">Root folders</h2>
    ${list.error ? html`<p role="alert" class="error">Root folders could not be loaded: ${list.error.message}</p>` : ''}
    <div class="table-wrap"><table class="data">
      <thead><tr><th scope="col">Path</th><th scope="col">Free space</th><th scope="col">Unmapped folders</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${(list.data || []).map((r) => html`<tr key=${r.id}>
        <th scope="row">${r.path}${r.accessible === false ? html` <span class="error">(not accessible)</span>` : ''}</th>
        <td>${size(r.freeSpace)}</td><td>${(r.unmappedFolders || []).length}</td>
        <td><button type="button" class="secondary" aria-label=${`Delete ${r.path}`} onClick=${() => del(r)}>Delete</button></td>
      </tr>`)}</tbody>
    </table></div>
    <form class="row" onSubmit=${add}>
      <label for="root-path" class="inline">Folder path</label>
      <input id="root-path" required value=${path} placeholder="/data/movies" onInput=${(e) => setPath(e.currentTarget.value)} />
      <button type="submit">Add root folder</button>
    </form>
    <${Msg} msg=${msg} />
  </section>`;
}
