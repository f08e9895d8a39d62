// Notifications: Radarr's /api/v3/notification providers (Discord, webhook, …) with their
// on-event switches and a Test button each. Whether this server has the endpoint is read from
// its OpenAPI document first, so an older server shows "not available" in words instead of a
// failed request.
import { html } from '../../lib/html.js';
import { usePoll } from '../system/poll.js';
import ProviderSection from './providers.js';

const BASE = '/api/v3/notification';

export default function NotificationsSection() {
  const doc = usePoll('/api/openapi.json', 0);
  if (!doc.loaded) return html`<section class="settings-section"><h2>Notifications</h2><p class="muted">Loading…</p></section>`;
  if (doc.data && doc.data.paths && !doc.data.paths[BASE]) {
    return html`<section class="settings-section"><h2>Notifications</h2>
      <p role="status" class="muted">Notifications are not available on this server yet.</p></section>`;
  }
  return html`<${ProviderSection} base=${BASE} title="Notifications" noun="notification" />`;
}
