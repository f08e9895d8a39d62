// Activity: the live queue (#/activity), history (#/activity/history) and blocklist (#/activity/blocklist).
import { html } from '../lib/html.js';
import { Queue } from '../components/queue.js';
import { HistoryList, BlocklistList } from '../components/records.js';

const TABS = [['', 'Queue'], ['history', 'History'], ['blocklist', 'Blocklist']];

export default function ActivityPage({ route }) {
  const tab = route[1] || '';
  return html`<h1>Activity</h1>
    <nav class="tabs" aria-label="Activity">
      ${TABS.map(([t, label]) => html`<a href=${t ? `#/activity/${t}` : '#/activity'} aria-current=${tab === t ? 'page' : undefined}>${label}</a>`)}
    </nav>
    ${tab === 'history' ? html`<${HistoryList} />` : tab === 'blocklist' ? html`<${BlocklistList} />` : html`<${Queue} />`}`;
}
