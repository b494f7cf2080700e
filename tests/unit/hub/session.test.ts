import { describe, expect, it } from 'vitest';
import { ClientHubDb } from '@/lib/db/database';
import { HUB_SESSION_KEY, type HubSession, hubSessionStore, publicSession } from '@/lib/hub/session';

const session: HubSession = {
  url: 'https://hub.firm.test',
  token: 'signed.token',
  user: { id: 'u1', name: 'Ada Admin', email: 'ada@firm.test', role: 'Admin' },
  firm: { id: 'f1', name: 'Firm' },
  signedInAt: 1,
  checkedAt: 2,
  refusedAt: null,
};

describe('hub session store', () => {
  it('saves, loads and clears through the extension database', async () => {
    const db = new ClientHubDb(`session-${Math.random()}`);
    const store = hubSessionStore(db.settings);
    expect(await store.load()).toBeNull();
    await store.save(session);
    expect(await store.load()).toEqual(session);
    await store.clear();
    expect(await store.load()).toBeNull();
    db.close();
  });

  it('reads what no longer validates as no session, and refuses to save an invalid one', async () => {
    const db = new ClientHubDb(`session-${Math.random()}`);
    const store = hubSessionStore(db.settings);
    await db.settings.put({
      key: HUB_SESSION_KEY,
      value: { ...session, user: { ...session.user, role: 'Owner' } },
    });
    expect(await store.load()).toBeNull();
    await expect(store.save({ ...session, url: 'javascript:alert(1)' })).rejects.toThrow();
    db.close();
  });

  it('what pages see has no token', () => {
    expect(publicSession(session)).not.toHaveProperty('token');
    expect(JSON.stringify(publicSession(session))).not.toContain('signed.token');
  });
});
