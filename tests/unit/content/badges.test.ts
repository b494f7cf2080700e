// @vitest-environment happy-dom
import { expect, test } from 'vitest';
import { type BadgeActions, createBadges } from '@/components/badge/badges';
import type { BadgeState } from '@/lib/content/task-store';
import { keepShadowRoots } from './closed-roots';

const ID = '3a1b2c3d-1111-4222-8333-944455566677';
const OTHER_ID = '3a1b2c3d-1111-4222-8333-944455566678';

/** The badges' roots, closed outside the sandbox build, kept as they are attached. */
const roots = keepShadowRoots();

function table(...hrefs: string[]) {
  document.body.innerHTML = `<table><tbody>${hrefs
    .map((href) => `<tr><td><a href="${href}">Payee</a></td></tr>`)
    .join('')}</tbody></table>`;
  return [...document.querySelectorAll('a')];
}

function badgesWith(states: Map<string, BadgeState>, pushed: string[] = []) {
  const actions: BadgeActions = {
    transactionOf: (link) =>
      /bankTransactionID=([0-9a-f-]{36})/.exec(link.getAttribute('href') ?? '')?.[1] ?? null,
    stateOf: (id) => states.get(id) ?? { kind: 'loading' },
    push: (id) => pushed.push(id),
    openTask: () => undefined,
  };
  return createBadges(actions, new AbortController().signal);
}

const buttonOf = (link: Element) => {
  const host = link.previousElementSibling;
  return host ? roots.get(host)?.querySelector('button') : undefined;
};

test('a link that names no transaction gets no host; a transaction link gets a hidden one, drawn once', () => {
  const [transaction, elsewhere] = table(
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`,
    '/Reports/Index',
  );
  const states = new Map<string, BadgeState>([[ID, { kind: 'none' }]]);
  const badges = badgesWith(states);
  expect(badges.mount(elsewhere as Element)).toBeNull();
  expect(elsewhere?.previousElementSibling).toBeNull();

  const row = badges.mount(transaction as Element);
  expect(row?.bankTransactionId).toBe(ID);
  // Mounted: the host, its root and its button are there, hidden and empty, until drawn.
  const button = buttonOf(transaction as Element);
  expect(button?.hasAttribute('data-state')).toBe(false);
  expect(button?.textContent).toBe('');

  const view = badges.draw(row as NonNullable<typeof row>);
  expect(view?.bankTransactionId).toBe(ID);
  expect(button?.getAttribute('data-state')).toBe('none');
  expect(button?.textContent).toBe('Push to Client Hub');
  // Drawn once: drawing it again does nothing.
  expect(badges.draw(row as NonNullable<typeof row>)).toBeNull();
});

test('a status that could not be read says so on every row without opening a problem on each; a failed push opens it', () => {
  const links = table(
    `/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`,
    `/Bank/ViewTransaction.aspx?bankTransactionID=${OTHER_ID}`,
  );
  const cannotRead: BadgeState = {
    kind: 'failed',
    message: 'Client Hub stopped. Reload this page.',
    whileReading: true,
  };
  const states = new Map<string, BadgeState>([
    [ID, cannotRead],
    [OTHER_ID, { kind: 'none' }],
  ]);
  const badges = badgesWith(states);
  const [first, second] = links.map((link) => {
    const row = badges.mount(link);
    return row ? badges.draw(row) : null;
  });
  const firstButton = buttonOf(links[0] as Element);
  expect(firstButton?.textContent).toBe('Status not available');
  expect(firstButton?.title).toBe(cannotRead.message);
  expect(roots.get(links[0]?.previousElementSibling as Element)?.querySelector('[role="alert"]')).toBeNull();

  // A push the person made, then failed: its problem opens, in words, as text.
  second?.update({ kind: 'pending' });
  second?.update({ kind: 'failed', message: 'Xero is busy. Try again in a minute.' });
  const alert = roots.get(links[1]?.previousElementSibling as Element)?.querySelector('[role="alert"]');
  expect(alert?.textContent).toContain('Xero is busy. Try again in a minute.');
  expect(first).not.toBeNull();
});
