// The settings pages' one way to say how an action went: an error in words (role=alert) or a
// short confirmation (role=status), so every form reports the same way.
import { html, useState } from '../../lib/html.js';

/** `[msg, say]`: `say.ok(text)`, `say.err(text)`, `say.clear()`; render `<${Msg} msg=${msg} />`. */
export function useMsg() {
  const [msg, set] = useState(null);
  return [msg, { ok: (text) => set({ err: false, text }), err: (text) => set({ err: true, text }), clear: () => set(null) }];
}

export function Msg({ msg }) {
  if (!msg) return null;
  return html`<p role=${msg.err ? 'alert' : 'status'} class=${msg.err ? 'error' : 'ok-line'}>${msg.text}</p>`;
}

/**
 * The words of a failed call: Radarr's validation answers are a list of
 * `{propertyName, errorMessage}`, which `ApiError` cannot summarise by itself.
 */
export function problem(e) {
  const b = e && e.body;
  if (Array.isArray(b) && b.length) {
    return b.map((p) => (p.propertyName ? `${p.propertyName}: ${p.errorMessage}` : p.errorMessage || String(p))).join('; ');
  }
  return (e && e.message) || String(e);
}
