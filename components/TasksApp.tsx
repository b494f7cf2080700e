import type { ClientHubDb } from '@/lib/db/database';
import { TasksPage } from './tasks/TasksPage';
import './tasks/tasks.css';

/** The Client Tasks page (tasks.html): everything lives in components/tasks. */
export function TasksApp({ db }: { db: ClientHubDb }) {
  return <TasksPage db={db} />;
}
