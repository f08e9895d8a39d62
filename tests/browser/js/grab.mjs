// The library lists the movie (posters and table); its page runs an interactive search against
// the fake Torznab indexer, shows the releases with their columns, and grabs the acceptable one.
import { run, login, visit, shoot, must } from './lib.mjs';

const release = must('RELEASE');

await run('grab', async (page) => {
  await login(page);
  await visit(page, 'movies', 'Movies');
  await page.getByRole('button', { name: 'Posters' }).click();
  await page.getByRole('link', { name: 'The Matrix', exact: true }).first().waitFor();
  await shoot(page, 'movies');
  await page.getByRole('button', { name: 'Table' }).click();
  await page.getByLabel('Filter movies').fill('matrix');
  await page.getByRole('link', { name: 'The Matrix', exact: true }).first().waitFor();
  await shoot(page, 'movies-table');
  await page.getByRole('link', { name: 'The Matrix', exact: true }).first().click();

  await page.getByRole('heading', { level: 1, name: 'The Matrix' }).waitFor();
  await shoot(page, 'movie');
  await page.getByRole('button', { name: 'Interactive search' }).click();
  const grab = page.getByRole('button', { name: `Grab ${release}`, exact: true });
  await grab.waitFor();
  const releases = page.getByRole('table').filter({ has: grab });
  for (const column of ['Release', 'Quality', 'Size', 'Seeders', 'Indexer', 'Score', 'Rejections']) {
    await releases.getByRole('columnheader', { name: column, exact: true }).waitFor();
  }
  // The camera release is listed too, with its rejection in words.
  await releases.getByRole('row').filter({ hasText: 'The.Matrix.1999.CAM.x264-BAD' }).waitFor();
  await shoot(page, 'interactive-search');
  await grab.click();
  await page.getByRole('status').filter({ hasText: /Grabbed|will be sent when qBittorrent is back/ }).first().waitFor();
});
