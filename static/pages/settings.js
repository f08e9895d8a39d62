// Settings page (providers, profiles, formats, naming, notifications, security, UI): filled in by the ui-sys work.
import { html } from '../lib/html.js';

export default function SettingsPage() {
  return html`<h1>Settings</h1>`;
}
