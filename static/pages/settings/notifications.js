// Notifications: Radarr's /api/v3/notification providers (Discord, webhook, …) with their
// on-event switches and a Test button each; says "not available" while the server lacks it.
import { html } from '../../lib/html.js';
import ProviderSection from './providers.js';

export default function NotificationsSection() {
  return html`<${ProviderSection} base="/api/v3/notification" title="Notifications" noun="notification" />`;
}
