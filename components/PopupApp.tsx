import { browser } from 'wxt/browser';
import { BackgroundStatus } from './BackgroundStatus';

export function PopupApp() {
  return (
    <main class="popup">
      <h1>Client Hub</h1>
      <p class="muted">No Xero company is connected yet.</p>
      <p>
        <button type="button" onClick={() => void browser.runtime.openOptionsPage()}>
          Set up Xero integration
        </button>
      </p>
      <BackgroundStatus />
    </main>
  );
}
