import { useEffect, useState } from 'preact/hooks';
import type { ResponseOf } from '@/lib/messaging/contract';
import { ask } from '@/lib/messaging/extension';

type Preferences = ResponseOf<'sync.preferences'>;

/** How often Client Hub looks for new transactions, and the Xero app's daily call budget. */
export function SyncPreferencesForm({ canChange }: { canChange: boolean }) {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    ask({ type: 'sync.preferences' }).then(setPreferences, () => undefined);
  }, []);
  if (!preferences) return null;

  async function save(event: Event) {
    event.preventDefault();
    if (!preferences) return;
    try {
      setPreferences(await ask({ type: 'sync.savePreferences', preferences }));
      setSaved('Saved.');
    } catch (error) {
      setSaved(error instanceof Error ? error.message : 'Could not save.');
    }
  }

  return (
    <form onSubmit={save}>
      <fieldset disabled={!canChange}>
        <legend>Sync</legend>
        <p>
          <label for="sync-interval">Look for new transactions every (minutes, 5 to 60)</label>
          <input
            id="sync-interval"
            type="number"
            min={5}
            max={60}
            value={preferences.intervalMinutes}
            onInput={(e) =>
              setPreferences({
                ...preferences,
                intervalMinutes: Math.min(60, Math.max(5, Number(e.currentTarget.value) || 15)),
              })
            }
          />
        </p>
        <label>
          <input
            type="checkbox"
            checked={preferences.starterApp}
            onChange={(e) => setPreferences({ ...preferences, starterApp: e.currentTarget.checked })}
          />{' '}
          Our Xero app is on the Starter tier (1,000 Xero calls per company per day instead of 5,000)
        </label>
        <p>
          <button type="submit">Save sync settings</button> <span role="status">{saved}</span>
        </p>
      </fieldset>
    </form>
  );
}
