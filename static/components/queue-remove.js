// Removing a download from the queue (DELETE /api/v3/queue/{id}): from qBittorrent with its data or
// not, and optionally blocklisted so the next search skips it.
import { html } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Modal, useFormSubmit } from './dialog.js';
import { Alert } from './notice.js';

export function QueueRemoveDialog({ record, onRemoved, onClose }) {
  const { error, busy, submit } = useFormSubmit(async (f) => {
    const q = `removeFromClient=${f.client.checked}&blocklist=${f.blocklist.checked}`;
    await api(`/api/v3/queue/${record.id}?${q}`, { method: 'DELETE' });
    onRemoved(record);
  });
  return html`<${Modal} title="Remove from the queue?" onClose=${onClose} labelId="queue-remove-title">
    <form onSubmit=${submit}>
      <p class="wrap-text">${record.title}</p>
      <label class="check"><input type="checkbox" name="client" checked /> Remove from qBittorrent (with its data)</label>
      <label class="check"><input type="checkbox" name="blocklist" /> Blocklist release</label>
      <${Alert} error=${error} />
      <div class="actions">
        <button type="submit" class="danger" disabled=${busy}>Yes, remove</button>
        <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
      </div>
    </form>
  <//>`;
}
