import { afterAll, beforeAll, expect, test } from 'vitest';
import type { Sandbox } from '../../../sandbox/server';
import type { RestartableHub } from '../../support/hub-server';
import {
  type Browser,
  feedOf,
  type HubFirm,
  type HubSync,
  openBrowser,
  PASSWORD,
  startHubSync,
} from './support';

/**
 * Signing out of the firm's Client Hub server keeps what was not sent, says so, and sends it only as
 * the person who made it: signing in again as them sends it at once; a colleague who signs in on the
 * same computer never sends it under their own name (their own changes go out as usual).
 */
let world: HubSync;
let sandbox: Sandbox;
let hub: RestartableHub;
let firm: HubFirm;
let browser: Browser;
/** While true, the browser cannot reach the hub (its requests fail as a dropped network does). */
let hubUnreachable = false;

const via: typeof fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  if (hubUnreachable && url.startsWith(hub.url)) return Promise.reject(new TypeError('fetch failed'));
  return fetch(input, init);
};

beforeAll(async () => {
  world = await startHubSync(61);
  ({ sandbox, hub, firm } = world);
  browser = await openBrowser(sandbox, hub, firm.admin.email, { xero: true, fetch: via });
  await browser.settle();
  await browser.sync();
  await browser.settle();
}, 120_000);

afterAll(() => world?.close());

const signInAs = (email: string) =>
  browser.bg.ask({ type: 'hub.signIn', url: hub.url, email, password: PASSWORD });

/** The workspace's comments on the server, with who the server says wrote them. */
const commentsOnServer = async () =>
  (await feedOf(hub, firm.adminCaller.token, firm.workspaceId)).changes.flatMap((c) =>
    c.kind === 'comment' ? [{ body: c.comment.body, author: c.comment.author.name }] : [],
  );

test('signing out keeps unsent work and says so; signing in again as the same person sends it at once', async () => {
  const [task] = await browser.tasks();
  if (!task) throw new Error('no task');
  // Made while the server could not be reached, then signed out (the server never heard of it).
  hubUnreachable = true;
  await browser.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Before signing out' });
  await browser.round();
  const out = await browser.bg.ask({ type: 'hub.signOut' });
  hubUnreachable = false;
  expect(out.connected).toBe(false);
  expect(out.unsent?.count).toBe(1);
  // And one more while signed out: this computer keeps it for the same person.
  await browser.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'While signed out' });
  await browser.round();
  const state = await browser.bg.ask({ type: 'hub.state' });
  expect(state.unsent).toEqual({
    count: 2,
    message: `2 changes not yet sent to the Client Hub server are kept on this computer. They are sent when Ada Admin (${firm.admin.email}) signs in again.`,
  });
  expect(await browser.pendingHubJobs()).toHaveLength(2);
  expect((await commentsOnServer()).map((c) => c.body)).not.toContain('While signed out');

  // The same person signs in: sent now (not after the sign-in wait), once, as them.
  const back = await signInAs(firm.admin.email);
  expect(back.unsent).toBeNull();
  await browser.round();
  expect(await browser.pendingHubJobs()).toEqual([]);
  const sent = (await commentsOnServer())
    .filter((c) => c.body === 'Before signing out' || c.body === 'While signed out')
    .sort((a, b) => a.body.localeCompare(b.body));
  expect(sent).toEqual([
    { body: 'Before signing out', author: 'Ada Admin' },
    { body: 'While signed out', author: 'Ada Admin' },
  ]);
});

test('a colleague signing in on this computer does not send the first person’s work as theirs', async () => {
  const [, task] = await browser.tasks();
  if (!task) throw new Error('no task');
  await browser.bg.ask({ type: 'hub.signOut' });
  await browser.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Ada’s note' });

  // Sam signs in here: Ada's note stays, and the page says whose it is.
  const sam = await signInAs(firm.staff.email);
  expect(sam.user?.email).toBe(firm.staff.email);
  expect(sam.unsent).toEqual({
    count: 1,
    message: `1 change made while Ada Admin (${firm.admin.email}) was signed in is kept on this computer and not sent as you. They are sent when Ada Admin signs in here again.`,
  });
  await browser.settle();
  // Sam's own change goes out as Sam, Ada's does not go out at all.
  await browser.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Sam’s note' });
  await browser.settle();
  const whileSam = await commentsOnServer();
  expect(whileSam.filter((c) => c.body === 'Sam’s note')).toEqual([
    { body: 'Sam’s note', author: 'Sam Staff' },
  ]);
  expect(whileSam.map((c) => c.body)).not.toContain('Ada’s note');
  const [held] = await browser.pendingHubJobs();
  expect(held?.problem?.title).toBe('Waiting for Ada Admin to sign in');

  // One more of Sam's that the server does not get before Sam signs out: it is Sam's, not Ada's.
  hubUnreachable = true;
  await browser.bg.ask({ type: 'tasks.comment', taskId: task.id, text: 'Sam’s unsent note' });
  await browser.round();
  await browser.bg.ask({ type: 'hub.signOut' });
  hubUnreachable = false;

  // Ada signs in: Ada's note is sent, as Ada, once; Sam's is not sent again, Sam's unsent one waits.
  const ada = await signInAs(firm.admin.email);
  expect(ada.unsent?.count).toBe(1);
  expect(ada.unsent?.message).toContain('made while Sam Staff');
  await browser.settle();
  const after = await commentsOnServer();
  expect(after.filter((c) => c.body === 'Ada’s note')).toEqual([{ body: 'Ada’s note', author: 'Ada Admin' }]);
  expect(after.filter((c) => c.body === 'Sam’s note')).toHaveLength(1);
  expect(after.map((c) => c.body)).not.toContain('Sam’s unsent note');

  // Sam signs in again: Sam's unsent note goes, as Sam.
  await browser.bg.ask({ type: 'hub.signOut' });
  await signInAs(firm.staff.email);
  await browser.settle();
  expect(await browser.pendingHubJobs()).toEqual([]);
  expect((await commentsOnServer()).filter((c) => c.body === 'Sam’s unsent note')).toEqual([
    { body: 'Sam’s unsent note', author: 'Sam Staff' },
  ]);
});
