// A Radarr config resource (naming, media management) as a form: the properties reelarr honours
// (`editable`) become labelled controls of their JSON type (true/false → checkbox, number →
// number, text → text box); the rest, which reelarr fixes, are listed read-only so nobody edits a
// value the server ignores. Save PUTs the whole resource and shows the server's 400 in words.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import { Msg, useMsg, problem } from './msg.js';

/** "colonReplacementFormat" → "Colon replacement format". */
export const words = (k) => k.replace(/([A-Z])/g, ' $1').toLowerCase().replace(/^./, (c) => c.toUpperCase());

export default function ConfigForm({ path, title, idPrefix, editable }) {
  const cur = usePoll(path, 0);
  const [v, setV] = useState(null);
  const [msg, say] = useMsg();
  useEffect(() => { if (cur.data) setV(cur.data); }, [cur.data]);
  const set = (k, x) => setV({ ...v, [k]: x });
  const save = async (e) => {
    e.preventDefault();
    try {
      const r = await api(path, { method: 'PUT', body: v });
      if (r) setV(r);
      say.ok(`${title} saved.`);
    } catch (err) { say.err(`${title} not saved: ${problem(err)}`); }
  };
  const control = (k) => {
    const x = v[k];
    const id = `${idPrefix}-${k}`;
    if (typeof x === 'boolean') {
      return html`<div class="field check" key=${k}><label><input type="checkbox" checked=${x}
        onChange=${(e) => set(k, e.currentTarget.checked)} /> ${words(k)}</label></div>`;
    }
    return html`<div class=${/Format$/.test(k) ? 'field wide' : 'field'} key=${k}><label for=${id}>${words(k)}</label>
      <input id=${id} type=${typeof x === 'number' ? 'number' : 'text'} value=${x ?? ''}
        onInput=${(e) => set(k, typeof x === 'number' ? Number(e.currentTarget.value) : e.currentTarget.value)} /></div>`;
  };
  const scalars = v ? Object.keys(v).filter((k) => k !== 'id' && (v[k] === null || typeof v[k] !== 'object')) : [];
  const keys = scalars.filter((k) => editable.includes(k));
  const fixed = scalars.filter((k) => !editable.includes(k));
  return html`<form class="config-form" onSubmit=${save} aria-labelledby=${idPrefix + '-h'}>
    <h3 id=${idPrefix + '-h'}>${title}</h3>
    ${cur.error ? html`<p role="alert" class="error">${title} could not be loaded: ${cur.error.message}</p>` : ''}
    <div class="form-grid">${keys.map(control)}</div>
    ${fixed.length ? html`<details><summary>Fixed by reelarr (${fixed.length})</summary>
      <dl class="kv small">${fixed.map((k) => html`<div key=${k}><dt>${words(k)}</dt><dd>${String(v[k] ?? '—')}</dd></div>`)}</dl>
    </details>` : ''}
    ${v ? html`<div class="row"><button type="submit">Save ${title.toLowerCase()}</button></div>` : ''}
    <${Msg} msg=${msg} />
  </form>`;
}
