import { BackgroundStatus } from './BackgroundStatus';
import { IntegrationTable } from './IntegrationTable';

export function OptionsApp() {
  return (
    <main class="options">
      <header>
        <p class="muted">Setup &amp; Settings</p>
        <h1>Xero integration</h1>
        <p class="muted">
          Connect your clients’ Xero companies. Client Hub turns their uncategorised bank transactions into
          Client Tasks and brings the answers back into Xero.
        </p>
      </header>
      <section class="card" aria-labelledby="connected-heading">
        <h2 id="connected-heading">Connected Xero companies</h2>
        <IntegrationTable />
        <p>
          <button type="button" class="primary" disabled title="Xero sign-in arrives with the next release">
            + Add Another Xero company
          </button>
        </p>
      </section>
      <footer>
        <BackgroundStatus />
      </footer>
    </main>
  );
}
