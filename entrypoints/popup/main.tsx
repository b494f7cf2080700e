import { render } from 'preact';
import { PopupApp } from '@/components/PopupApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<PopupApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
