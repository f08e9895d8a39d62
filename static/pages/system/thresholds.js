// One breaker's thresholds, editable in place: only the fields the user changed are sent
// (PUT /api/v1/circuit-breakers/{service} takes a partial patch, applies it live and writes the
// config file), and the outcome is said in words — the server's sentence on a 400.
import { html, useState, useEffect } from '../../lib/html.js';
import { api } from '../../lib/api.js';

/** [field, min, max, integer?] in BreakerConfigPatch order; the label is the field in words. */
const FIELDS = [
  ['failure_threshold', 1, 4294967295, true],
  ['recovery_timeout_seconds', 1, 86400, true],
  ['success_threshold', 1, 1000, true],
  ['half_open_max_calls', 1, 1000, true],
  ['call_timeout_ms', 1, 3600000, true],
  ['slow_call_ms', 0, null, true],
  ['failure_rate_threshold', 0, 100, false],
  ['window_size', 1, 1024, true],
  ['minimum_calls', 1, 1024, true],
  ['backoff_multiplier', 1, 100, false],
  ['max_recovery_timeout_seconds', 1, 86400, true],
  ['jitter_ratio', 0, 1, false],
  ['adaptive_min_open_seconds', 1, 86400, true],
  ['adaptive_max_open_seconds', 1, 86400, true],
  ['adaptive_min_slow_call_ms', 1, 3600000, true],
  ['adaptive_max_slow_call_ms', 1, 3600000, true],
];
const SHOWN = 4;

/** "failure_threshold" → "Failure threshold" (the contract's label rule). */
export function words(field) {
  const s = field.replace(/_/g, ' ');
  return s[0].toUpperCase() + s.slice(1);
}

const asText = (v) => (v === null || v === undefined ? '' : String(v));

export default function ThresholdForm({ service, config, onSaved }) {
  const [vals, setVals] = useState({});
  // `adaptive` is the one switch among the numbers: learn the open period and slow-call bar.
  const [adaptive, setAdaptive] = useState(!!config.adaptive);
  const [dirty, setDirty] = useState(false);
  const [msg, setMsg] = useState(null);
  useEffect(() => {
    if (!dirty) {
      setVals(Object.fromEntries(FIELDS.map(([f]) => [f, asText(config[f])])));
      setAdaptive(!!config.adaptive);
    }
  }, [JSON.stringify(config), dirty]);

  const edit = (f) => (e) => { setVals({ ...vals, [f]: e.currentTarget.value }); setDirty(true); setMsg(null); };
  const submit = async (e) => {
    e.preventDefault();
    const patch = {};
    for (const [f, , , int] of FIELDS) {
      const v = vals[f].trim();
      if (v === '' || v === asText(config[f])) continue;
      const n = Number(v);
      if (!Number.isFinite(n) || (int && !Number.isInteger(n))) {
        setMsg({ err: true, text: `${words(f)} must be ${int ? 'a whole number' : 'a number'}.` });
        return;
      }
      patch[f] = n;
    }
    if (adaptive !== !!config.adaptive) patch.adaptive = adaptive;
    if (!Object.keys(patch).length) { setMsg({ err: false, text: 'Nothing changed.' }); return; }
    try {
      const snap = await api(`/api/v1/circuit-breakers/${encodeURIComponent(service)}`, { method: 'PUT', body: patch });
      setDirty(false);
      setMsg({ err: false, text: `Saved: ${Object.keys(patch).map(words).join(', ')} now in effect for ${service}.` });
      if (onSaved) onSaved(snap);
    } catch (err) {
      setMsg({ err: true, text: `Not saved: ${err.message}` });
    }
  };
  const input = ([f, min, max, int]) => html`<label key=${f}>${words(f)}
    <input type="number" inputmode=${int ? 'numeric' : 'decimal'} min=${min} max=${max == null ? undefined : max}
      step=${int ? 1 : 'any'} value=${vals[f] ?? ''} onInput=${edit(f)} /></label>`;
  return html`<form class="thresholds" noValidate onSubmit=${submit}>
    <div class="grid">${FIELDS.slice(0, SHOWN).map(input)}</div>
    <details><summary>More settings</summary><div class="grid">${FIELDS.slice(SHOWN).map(input)}</div>
      <label><input type="checkbox" checked=${adaptive}
        onChange=${(e) => { setAdaptive(e.currentTarget.checked); setDirty(true); setMsg(null); }} />
        ${' '}Adaptive (learn the open period and the slow-call bar within the bounds above)</label></details>
    <div class="row">
      <button type="submit">Save thresholds</button>
      ${dirty ? html`<button type="button" class="secondary" onClick=${() => { setDirty(false); setMsg(null); }}>Undo changes</button>` : ''}
    </div>
    ${msg ? html`<p role=${msg.err ? 'alert' : 'status'} class=${msg.err ? 'error' : 'ok-line'}>${msg.text}</p>` : ''}
  </form>`;
}
