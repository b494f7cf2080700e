import { render } from 'preact';
import { TasksApp } from '@/components/TasksApp';
import '@/components/theme.css';

render(<TasksApp />, document.getElementById('app') as HTMLElement);
