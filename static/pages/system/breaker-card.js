// One breaker on the dashboard: its state badge (data-state = the API's state string), failure
// figures, latency, availability over 1 h / 24 h / 7 d and its last recovery time, the live chart, its last transitions with reasons, the manual controls and
// its thresholds. The section is named "<service> breaker" so people and tests find it by name.
import { html, useState } from '../../lib/html.js';
import { api } from '../../lib/api.js';
import BreakerChart from './chart.js';
import ThresholdForm from './thresholds.js';
import { relative, when } from './poll.js';

const ACTIONS = [['open', 'Force open'], ['close', 'Force close'], ['reset', 'Reset']];

const ms = (v) => (v == null ? '—' : `${v < 10 ? v.toFixed(1) : Math.round(v)} ms`);
/** Availability (0..1) as a percentage, rounded down so a short outage never reads 100 %. */
const pct = (v) => (v == null ? '—' : v >= 1 ? '100 %' : `${(Math.floor(v * 10000) / 100).toFixed(2)} %`);
/** An outage's length in the largest unit that keeps it readable. */
const span = (s) => (s == null ? '—' : s < 90 ? `${s.toFixed(s < 10 ? 1 : 0)} s`
  : s < 5400 ? `${(s / 60).toFixed(1)} min` : `${(s / 3600).toFixed(1)} h`);

/** `snap` is the API's BreakerSnapshot; `points`/`tick` its rolling history; `events` newest first. */
export default function BreakerCard({ snap, points, tick, events, onChanged }) {
  const [msg, setMsg] = useState(null);
  // Busy buttons stay enabled (aria-disabled): disabling one would drop the keyboard focus.
  const [busy, setBusy] = useState(false);
  const name = snap.service;
  // Recovery and availability figures (issue 17); absent from an older server's answer.
  const av = snap.availability || {};
  const rec = snap.recovery || {};
  const act = async (action, label) => {
    if (busy) return;
    setBusy(true);
    try {
      const s = await api(`/api/v1/circuit-breakers/${encodeURIComponent(name)}/${action}`, { method: 'POST' });
      setMsg({ err: false, text: `${label}: ${name} is now ${s.state.replace('_', ' ')}.` });
      onChanged(s);
    } catch (e) {
      setMsg({ err: true, text: `${label} failed: ${e.message}` });
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="breaker card-box" aria-label=${`${name} breaker`}>
    <header class="breaker-head">
      <h3>${name}</h3>
      <span class="badge" data-state=${snap.state}>${snap.state}</span>
    </header>
    <dl class="figures">
      <div><dt>Failures in a row</dt><dd>${snap.failure_count} / ${snap.config.failure_threshold}</dd></div>
      <div><dt>Failure rate</dt><dd>${(snap.failure_rate * 100).toFixed(1)} %<small> of ${snap.window_calls ?? 0}</small></dd></div>
      <div><dt>Average</dt><dd>${ms(snap.avg_response_time_ms)}</dd></div>
      <div><dt>p95</dt><dd>${ms(snap.p95_response_time_ms)}</dd></div>
      <div><dt>Calls</dt><dd>${snap.total_calls}<small> (${snap.rejected} rejected)</small></dd></div>
      <div><dt>Next attempt</dt><dd>${snap.next_attempt_at ? relative(snap.next_attempt_at) : '—'}</dd></div>
      <div><dt>Available 1 h</dt><dd data-figure="availability-1h">${pct(av['1h'])}</dd></div>
      <div><dt>24 h</dt><dd data-figure="availability-24h">${pct(av['24h'])}</dd></div>
      <div><dt>7 d</dt><dd data-figure="availability-7d">${pct(av['7d'])}</dd></div>
      <div class="wide"><dt>Last recovery</dt><dd data-figure="last-recovery">${span(rec.last_seconds)}<small> (${rec.count ?? 0} in all)${rec.last_at
        ? html` · <time datetime=${rec.last_at} title=${when(rec.last_at)}>${relative(rec.last_at)}</time>` : ''}</small></dd></div>
      ${snap.adaptive?.enabled ? html`<div><dt>Adaptive</dt><dd>${snap.adaptive.open_seconds} s open<small> · slow over ${snap.adaptive.slow_call_ms} ms · ${snap.adaptive.observed_recoveries} recoveries seen</small></dd></div>` : ''}
    </dl>
    <p class=${snap.misconfigured ? 'warn small cause' : 'muted small cause'}>${snap.misconfigured
      ? `Looks misconfigured: ${snap.misconfigured_reason || 'credentials refused'}`
      : snap.last_failure_reason ? `Last failure ${relative(snap.last_failure_at)}: ${snap.last_failure_reason}` : 'No failures recorded.'}</p>
    <${BreakerChart} points=${points} tick=${tick} label=${`${name} breaker`} />
    <div class="row" role="group" aria-label=${`${name} breaker controls`}>
      ${ACTIONS.map(([a, label]) => html`<button type="button" key=${a} class=${a === 'open' ? 'danger' : 'secondary'}
        aria-disabled=${busy ? 'true' : undefined} onClick=${() => act(a, label)}>${label}</button>`)}
    </div>
    <div class="msg-slot">${msg ? html`<p role=${msg.err ? 'alert' : 'status'} class=${msg.err ? 'error' : 'ok-line'}>${msg.text}</p>` : ''}</div>
    <h4>Last transitions</h4>
    <div class="transitions-box">${events.length ? html`<ol class="transitions">
      ${events.map((e, i) => html`<li key=${i}><time datetime=${e.at} title=${when(e.at)}>${relative(e.at)}</time>
        <span>${e.from} → <strong>${e.to}</strong></span> <span class="muted">${e.reason}</span></li>`)}
    </ol>` : html`<p class="muted small">No transitions yet.</p>`}</div>
    <${ThresholdForm} service=${name} config=${snap.config} onSaved=${onChanged} />
  </section>`;
}
