// The breaker dashboard: forcing TMDB's breaker open changes its badge without a reload (the
// page polls), a reset brings it back (and shows as a recovery with availability under 100 %), and a threshold saved from the page is applied (the Rust
// side reads it back from /api/v1/circuit-breakers). Settings and its sections open.
import { run, login, visit, shoot, check, BASE } from './lib.mjs';

const SECTIONS = ['Indexers', 'Download clients', 'Metadata', 'Quality profiles', 'Quality definitions',
  'Custom formats', 'Root folders', 'Naming', 'Notifications', 'Security', 'UI'];

await run('system', async (page) => {
  await login(page);
  await visit(page, 'system', 'System');
  const tmdb = page.getByRole('region', { name: 'tmdb breaker' });
  const badge = tmdb.locator('.badge');
  await tmdb.locator('.badge[data-state="closed"]').waitFor();
  // The Logs part lists what the server logged (at least its start-up lines), with a level filter.
  const logs = page.getByRole('list', { name: 'Log entries' });
  await logs.locator('li').first().waitFor();
  await page.getByLabel('Log level').selectOption('warn');
  await page.getByLabel('Log level').selectOption('info');
  await logs.locator('li').first().waitFor();
  await shoot(page, 'system');
  await tmdb.getByRole('button', { name: 'Force open' }).click();
  await tmdb.locator('.badge[data-state="forced_open"]').waitFor();
  const text = (await badge.textContent()).trim();
  if (!text.includes('forced_open')) throw new Error(`badge text is the state: ${text}`);
  await shoot(page, 'system-forced-open');
  await tmdb.getByRole('button', { name: 'Reset' }).click();
  await tmdb.locator('.badge[data-state="closed"]').waitFor();
  // The forced-open spell shows as a recovery and as availability under 100 % (issue 17).
  await tmdb.locator('[data-figure="last-recovery"]').filter({ hasText: '(1 in all)' }).waitFor();
  const lastRecovery = (await tmdb.locator('[data-figure="last-recovery"]').textContent()).trim();
  check(/^\d+(\.\d)? s/.test(lastRecovery), `last recovery shows the outage's length: ${lastRecovery}`);
  const hour = (await tmdb.locator('[data-figure="availability-1h"]').textContent()).trim();
  check(/^\d+\.\d\d %$/.test(hour) && hour !== '100.00 %', `availability under 100 %: ${hour}`);
  // A change made elsewhere (here: the API, as another tab or a script would) shows up by polling.
  const opened = await page.request.post(`${BASE}/api/v1/circuit-breakers/tmdb/open`, { headers: { Origin: BASE } });
  check(opened.ok(), `forcing open through the API: HTTP ${opened.status()}`);
  await tmdb.locator('.badge[data-state="forced_open"]').waitFor({ timeout: 10000 });
  await tmdb.getByRole('button', { name: 'Reset' }).click();
  await tmdb.locator('.badge[data-state="closed"]').waitFor();

  await tmdb.getByLabel('Failure threshold').fill('7');
  await tmdb.getByRole('button', { name: 'Save thresholds' }).click();
  await tmdb.getByRole('status').filter({ hasText: 'Saved' }).first().waitFor();
  // Adaptive thresholds (issue 17): the switch under "More settings"; the card then shows them.
  await tmdb.getByText('More settings').click();
  await tmdb.getByRole('checkbox', { name: /Adaptive/ }).check();
  await tmdb.getByRole('button', { name: 'Save thresholds' }).click();
  await tmdb.getByRole('status').filter({ hasText: 'Saved: Adaptive' }).first().waitFor();
  await tmdb.getByText('60 s open').waitFor();

  await visit(page, 'settings', 'Settings');
  const sections = page.getByRole('navigation', { name: 'Settings sections' });
  await shoot(page, 'settings');
  for (const name of SECTIONS) {
    await sections.getByRole('link', { name, exact: true }).click();
    await page.waitForLoadState('networkidle');
    await shoot(page, `settings-${name.toLowerCase().replaceAll(' ', '-')}`);
  }
});
