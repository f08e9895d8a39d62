// System page (health, breaker dashboard, tasks, logs): filled in by the ui-sys work.
import { html } from '../lib/html.js';

export default function SystemPage() {
  return html`<h1>System</h1>`;
}
