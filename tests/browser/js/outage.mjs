// TMDB is down (the harness made its fake fail): the same search on Add movie shows the cached
// results, marked as such.
import { run, login, visit, shoot } from './lib.mjs';

await run('outage', async (page) => {
  await login(page);
  await visit(page, 'add', 'Add movie');
  await page.getByRole('searchbox', { name: 'Search TMDB' }).fill('The Matrix');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'cached' }).first().waitFor();
  await page.getByRole('listitem').filter({ hasText: 'The Matrix' }).first().waitFor();
  await shoot(page, 'add-tmdb-outage');
});
