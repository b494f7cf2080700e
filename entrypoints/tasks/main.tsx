// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { browser } from 'wxt/browser';
import { yieldToPage } from '@/lib/content/slices';
import { keepLive } from '@/lib/hub/live-port';
import '@/components/theme.css';

// While this page is open, colleagues' and clients' changes on the firm's server arrive within seconds.
keepLive((info) => browser.runtime.connect(info));

// Opening the page is four tasks, not one (the database's code and schemas; opening it; the page's
// code; the first render): as one it took about 70 ms of this thread, a long task even before a pull
// shares the machine.
const [{ ClientHubDb }, { requestPersistentStorage }] = await Promise.all([
  import('@/lib/db/database'),
  import('@/lib/db/storage'),
]);
await yieldToPage();
const db = new ClientHubDb();
// Unsent answers and files live only in this IndexedDB: ask the browser not to evict it when space runs low.
void requestPersistentStorage(db, navigator.storage, Date.now());
await yieldToPage();
const [{ render }, { TasksApp }] = await Promise.all([import('preact'), import('@/components/TasksApp')]);
await yieldToPage();
render(<TasksApp db={db} />, document.getElementById('app') as HTMLElement);
