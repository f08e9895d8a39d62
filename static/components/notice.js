// Messages in words: errors in a role=alert element, confirmations in a role=status element.
import { html } from '../lib/html.js';

/** Shows `error` (an Error or a string) as an alert; renders nothing when there is none. */
export function Alert({ error }) {
  if (!error) return null;
  const text = typeof error === 'string' ? error : error.message || String(error);
  return html`<p class="alert" role="alert">${text}</p>`;
}

/** A transient confirmation; `kind` 'warn' or 'info' changes only its colour. */
export function Status({ text, kind }) {
  if (!text) return null;
  return html`<p class=${`status ${kind || ''}`} role="status">${text}</p>`;
}
