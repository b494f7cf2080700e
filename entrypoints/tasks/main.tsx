// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { keepLive } from '@/lib/hub/live-port';
import { yieldToPage } from '@/lib/platform/yield';
import '@/components/theme.css';
// The page's styles come with its HTML, not with its code: no stylesheet is fetched and applied in the
// first render's task. (The suggestions' components are only on this page.)
import '@/components/tasks/tasks.css';
import '@/components/suggestions/suggestions.css';

// While this page is open, colleagues' and clients' changes on the firm's server arrive within seconds.
keepLive((info) => browser.runtime.connect(info));

// Opening the page is a run of short tasks, not one long one (while a pull shares the machine, a
// task takes about twice its own CPU time). Each import evaluates only the modules the ones before it
// did not, in a task of its own once its file is read: Dexie; zod and the failures' schemas; the
// problems'; the stored records'; the database; the tasks', the clients', the settings' and then every
// message's schemas (zod builds each schema as its module runs: together they were 40–70 ms of this
// thread); the page.
// The tabs' remembered counts come from localStorage with the first screen, and a page's first use
// of localStorage waits on the browser (a synchronous request, slow while a pull keeps the browser
// busy storing tasks): made here, in a task of its own, not in the first screen's.
await yieldToPage();
void localStorage.length;
await import('dexie');
await import('@/lib/errors/failure');
await import('@/lib/errors');
await import('@/lib/sync/records');
const [{ ClientHubDb }, { requestPersistentStorage }] = await Promise.all([
  import('@/lib/db/database'),
  import('@/lib/db/storage'),
]);
await yieldToPage();
const db = new ClientHubDb();
await yieldToPage();
// Opened while the page's code loads, so that its reply (Dexie's set-up of every table) is handled in
// a task of its own, not with the first screen's queries. A failure is the first query's to report.
const opened = db.open().then(
  () => undefined,
  () => undefined,
);
// Unsent answers and files live only in this IndexedDB: ask the browser not to evict it when space runs low.
void requestPersistentStorage(db, navigator.storage, Date.now());
await import('@/lib/tasks/messages');
await import('@/lib/hub/clients-messages');
await import('@/lib/db/records');
await import('@/lib/messaging/contract');
const [{ render }, { TasksApp }] = await Promise.all([import('preact'), import('@/components/TasksApp')]);
// The page never waits long for the database: a blocked open (another tab upgrading it) draws the page anyway.
await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 1000))]);
await yieldToPage();
render(<TasksApp db={db} />, document.getElementById('app') as HTMLElement);
