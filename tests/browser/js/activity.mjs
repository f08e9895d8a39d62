// The grab shows in Activity's queue (download tracking polls qBittorrent every few seconds, the
// page polls without reload); History and Blocklist open; Wanted lists what is missing.
import { run, login, visit, shoot, must } from './lib.mjs';

const release = must('RELEASE');

await run('activity', async (page) => {
  await login(page);
  await visit(page, 'activity', 'Activity');
  await page.getByRole('link', { name: 'Queue', exact: true }).click();
  await page.getByText(release).first().waitFor({ timeout: 30000 });
  await shoot(page, 'activity');
  await page.getByRole('link', { name: 'History', exact: true }).click();
  await page.getByText(release).first().waitFor();
  await shoot(page, 'activity-history');
  await page.getByRole('link', { name: 'Blocklist', exact: true }).click();
  await shoot(page, 'activity-blocklist');
  await visit(page, 'wanted', 'Wanted');
  await shoot(page, 'wanted');
});
