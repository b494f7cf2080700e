// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { render } from 'preact';
import { TasksApp } from '@/components/TasksApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<TasksApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
