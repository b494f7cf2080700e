import { render } from 'preact';
import { OptionsApp } from '@/components/OptionsApp';
import { ClientHubDb } from '@/lib/db/database';
import '@/components/theme.css';

render(<OptionsApp db={new ClientHubDb()} />, document.getElementById('app') as HTMLElement);
