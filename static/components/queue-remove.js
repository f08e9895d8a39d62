// Removing a download from the queue (DELETE /api/v3/queue/{id}): from qBittorrent with its data or
// not, and optionally blocklisted so the next search skips it.
import { html, useState } from '../lib/html.js';
import { api } from '../lib/api.js';
import { Modal } from './dialog.js';
import { Alert } from './notice.js';

export function QueueRemoveDialog({ record, onRemoved, onClose }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    const f = ev.currentTarget;
    setBusy(true);
    try {
      const q = `removeFromClient=${f.client.checked}&blocklist=${f.blocklist.checked}`;
      await api(`/api/v3/queue/${record.id}?${q}`, { method: 'DELETE' });
      onRemoved(record);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
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
