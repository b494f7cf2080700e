// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { render } from 'preact';
import { PopupApp } from '@/components/PopupApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<PopupApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
