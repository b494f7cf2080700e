// First: no schema may be built before zod is told not to compile with eval.
import '@/lib/config/zod-jitless';
import { render } from 'preact';
import { OptionsApp } from '@/components/OptionsApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<OptionsApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
