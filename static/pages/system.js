// System page: health list, the live breaker dashboard, scheduled tasks, recent events and logs, each
// polling its own public endpoint (pages/system/*), so one failing part shows its error in words
// while the others keep updating.
import { html } from '../lib/html.js';
import HealthList from './system/health.js';
import BreakerDashboard from './system/breakers.js';
import Tasks from './system/tasks.js';
import RecentEvents from './system/events.js';
import Logs from './system/logs.js';

export default function SystemPage() {
  return html`<div class="page system-page">
    <h1>System</h1>
    <${HealthList} />
    <${BreakerDashboard} />
    <${Tasks} />
    <${RecentEvents} />
    <${Logs} />
  </div>`;
}
