import { render } from 'preact';
import { TasksApp } from '@/components/TasksApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<TasksApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
