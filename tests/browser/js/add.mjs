// Add a movie from the fake TMDB through the Add movie page and its dialog (search on add off,
// so the grab of the next flow is the interactive one); the library then lists it.
import { run, login, visit, shoot, check, BASE } from './lib.mjs';

await run('add', async (page) => {
  await login(page);
  await visit(page, 'movies', 'Movies');
  await shoot(page, 'movies-empty');
  await visit(page, 'add', 'Add movie');
  await page.getByRole('searchbox', { name: 'Search TMDB' }).fill('The Matrix');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const result = page.getByRole('listitem').filter({ hasText: 'The Matrix' }).filter({ hasText: '1999' }).first();
  await result.waitFor();
  await shoot(page, 'add');
  await result.getByRole('button', { name: 'Add', exact: true }).click();

  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Quality profile').selectOption({ label: 'HD-1080p' });
  await dialog.getByLabel('Root folder').waitFor();
  await dialog.getByLabel('Monitor').waitFor();
  await dialog.getByLabel('Search on add').setChecked(false);
  await shoot(page, 'add-dialog');
  await dialog.getByRole('button', { name: 'Add movie' }).click();
  await dialog.waitFor({ state: 'hidden' });

  const movies = await (await page.request.get(`${BASE}/api/v3/movie`)).json();
  check(movies.some((m) => m.tmdbId === 603), `The Matrix is in the library: ${JSON.stringify(movies)}`);
});
