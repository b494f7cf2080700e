import type { ClientHubDb } from '@/lib/db/database';
import { TasksPage } from './tasks/TasksPage';

/** The Client Tasks page (tasks.html): everything lives in components/tasks (its styles load with the page). */
export function TasksApp({ db }: { db: ClientHubDb }) {
  return <TasksPage db={db} />;
}
