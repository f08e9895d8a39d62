// First login with the generated password, then the forced change of it (the dialog of the
// contract); the app must be usable afterwards and the old password refused.
import { run, must, check, shoot, BASE } from './lib.mjs';

const generated = must('PASSWORD');
const next = must('NEW_PASSWORD');

await run('login', async (page) => {
  await page.goto(`${BASE}/login`);
  await shoot(page, 'login');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password', { exact: true }).fill(generated);
  await page.getByRole('button', { name: 'Log in' }).click();

  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await shoot(page, 'change-password');
  await dialog.getByLabel('Current password').fill(generated);
  await dialog.getByLabel('New password').fill(next);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // The app is usable: its navigation is there and the API answers for this session.
  await page.getByRole('link', { name: 'Movies', exact: true }).waitFor();
  const me = await page.request.get(`${BASE}/api/v3/system/status`);
  check(me.ok(), `the session reaches the API after the change (HTTP ${me.status()})`);
});
