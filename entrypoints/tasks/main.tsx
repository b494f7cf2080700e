// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { render } from 'preact';
import { TasksApp } from '@/components/TasksApp';
import { ClientHubDb } from '@/lib/db/database';
import { requestPersistentStorage } from '@/lib/db/storage';
import '@/components/theme.css';

const db = new ClientHubDb();
// Unsent answers and files live only in this IndexedDB: ask the browser not to evict it when space runs low.
void requestPersistentStorage(db, navigator.storage, Date.now());
render(<TasksApp db={db} />, document.getElementById('app') as HTMLElement);
