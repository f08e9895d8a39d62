// Quality definitions: per quality the size limits in MB per minute of runtime (min, preferred,
// max; an empty max means no limit), bounded by /qualitydefinition/limits, saved together
// through PUT /api/v3/qualitydefinition/update.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import { Msg, useMsg, problem } from './msg.js';

const COLS = [['minSize', 'Min'], ['preferredSize', 'Preferred'], ['maxSize', 'Max']];

export default function DefinitionsSection() {
  const cur = usePoll('/api/v3/qualitydefinition', 0);
  const limits = usePoll('/api/v3/qualitydefinition/limits', 0);
  const [rows, setRows] = useState([]);
  const [msg, say] = useMsg();
  useEffect(() => { if (cur.data) setRows(cur.data); }, [cur.data]);
  const lim = limits.data || {};
  const set = (i, k, s) => setRows(rows.map((r, j) => (j === i ? { ...r, [k]: s === '' ? null : Number(s) } : r)));
  const save = async (e) => {
    e.preventDefault();
    try {
      const r = await api('/api/v3/qualitydefinition/update', { method: 'PUT', body: rows });
      if (Array.isArray(r)) setRows(r);
      say.ok('Quality definitions saved.');
    } catch (err) { say.err(`Quality definitions not saved: ${problem(err)}`); }
  };
  return html`<section class="settings-section" aria-labelledby="qd-h">
    <h2 id="qd-h">Quality definitions</h2>
    <p class="muted">Sizes in MB per minute of runtime${lim.max ? ` (${lim.min}–${lim.max})` : ''}; an empty max means no limit.</p>
    ${cur.error ? html`<p role="alert" class="error">Quality definitions could not be loaded: ${cur.error.message}</p>` : ''}
    <form onSubmit=${save}>
      <div class="table-wrap"><table class="data compact">
        <thead><tr><th scope="col">Quality</th>${COLS.map(([, l]) => html`<th scope="col" key=${l}>${l}</th>`)}</tr></thead>
        <tbody>${rows.map((r, i) => html`<tr key=${r.id}>
          <th scope="row">${r.title || (r.quality && r.quality.name)}</th>
          ${COLS.map(([k, l]) => html`<td key=${k}><input type="number" step="any" min=${lim.min} max=${lim.max}
            aria-label=${`${l} size of ${r.title}`} value=${r[k] ?? ''} onInput=${(e) => set(i, k, e.currentTarget.value)} /></td>`)}
        </tr>`)}</tbody>
      </table></div>
      <div class="row"><button type="submit">Save definitions</button></div>
      <${Msg} msg=${msg} />
    </form>
  </section>`;
}
