// Security: the API key and the password. The API never hands the key to a browser
// (/api/v3/config/host answers "********") and has no regenerate endpoint, so the section says
// where the key lives instead of offering reveal/copy/regenerate; the password is changed through
// POST /api/v1/user/password. Labels differ from the first-login dialog's on purpose, so each
// control has one name on the page.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import { usePoll } from '../system/poll.js';
import { Msg, useMsg, problem } from './msg.js';

export default function SecuritySection() {
  const session = usePoll('/api/v1/session', 0);
  const [cur, setCur] = useState('');
  const [next, setNext] = useState('');
  const [msg, say] = useMsg();
  const change = async (e) => {
    e.preventDefault();
    if (next.length < 8) { say.err('The new password needs at least 8 characters.'); return; }
    try {
      await api('/api/v1/user/password', { method: 'POST', body: { currentPassword: cur, newPassword: next }, noRedirect: true });
      setCur(''); setNext('');
      say.ok('Password changed.');
    } catch (err) { say.err(`Password not changed: ${problem(err)}`); }
  };
  return html`<section class="settings-section" aria-labelledby="sec-h">
    <h2 id="sec-h">Security</h2>
    <h3>API key</h3>
    <p><code aria-label="API key, hidden">********************************</code></p>
    <p class="muted">For clients such as LunaSea or Overseerr, send it as X-Api-Key. The server never shows it in the
      browser: read it from <code>[server] api_key</code> in config.toml (or REELARR_API_KEY); to replace it, change it there and restart.</p>
    <h3>Password</h3>
    ${session.data ? html`<p class="muted">Logged in as ${session.data.username}.</p>` : ''}
    <form class="narrow" onSubmit=${change}>
      <div class="field"><label for="sec-current">Current account password</label>
        <input id="sec-current" type="password" autocomplete="current-password" required value=${cur}
          onInput=${(e) => setCur(e.currentTarget.value)} /></div>
      <div class="field"><label for="sec-next">New account password (8 or more characters)</label>
        <input id="sec-next" type="password" autocomplete="new-password" minlength="8" required value=${next}
          onInput=${(e) => setNext(e.currentTarget.value)} /></div>
      <div class="row"><button type="submit">Change password</button></div>
      <${Msg} msg=${msg} />
    </form>
  </section>`;
}
