// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { render } from 'preact';
import { browser } from 'wxt/browser';
import { TasksApp } from '@/components/TasksApp';
import { ClientHubDb } from '@/lib/db/database';
import { requestPersistentStorage } from '@/lib/db/storage';
import { keepLive } from '@/lib/hub/live-port';
import '@/components/theme.css';

const db = new ClientHubDb();
// Unsent answers and files live only in this IndexedDB: ask the browser not to evict it when space runs low.
void requestPersistentStorage(db, navigator.storage, Date.now());
// While this page is open, colleagues' and clients' changes on the firm's server arrive within seconds.
keepLive((info) => browser.runtime.connect(info));
render(<TasksApp db={db} />, document.getElementById('app') as HTMLElement);
