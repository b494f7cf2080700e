// @vitest-environment happy-dom
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type BadgeActions, createBadges } from '@/components/badge/badges';
import type { BadgeState } from '@/lib/content/task-store';

const ID = '3a1b2c3d-1111-4222-8333-944455566677';
const OTHER_ID = '3a1b2c3d-1111-4222-8333-944455566678';

/** The badges' roots are closed outside the sandbox build: the test keeps each one as it is attached. */
const roots = new Map<Element, ShadowRoot>();
const attachShadow = HTMLElement.prototype.attachShadow;
beforeEach(() => {
  HTMLElement.prototype.attachShadow = function (this: HTMLElement, init: ShadowRootInit) {
    const root = attachShadow.call(this, init);
    roots.set(this, root);
    return root;
  };
});
afterEach(() => {
  HTMLElement.prototype.attachShadow = attachShadow;
  roots.clear();
  document.body.replaceChildren();
});

function table(...hrefs: string[]) {
  document.body.innerHTML = `<table><tbody>${hrefs
    .map((href) => `<tr><td><a href="${href}">Payee</a></td></tr>`)
    .join('')}</tbody></table>`;
  return [...document.querySelectorAll('a')];
}

function badgesWith(states: Map<string, BadgeState>, pushed: string[] = []) {
  const actions: BadgeActions = {
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

test('a badge is drawn whole, with its status, beside its link, once', () => {
  const [transaction] = table(`/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`);
  const states = new Map<string, BadgeState>([[ID, { kind: 'none' }]]);
  const badges = badgesWith(states);
  const link = transaction as Element;

  const view = badges.draw(link, ID);
  expect(view?.bankTransactionId).toBe(ID);
  const button = buttonOf(link);
  expect(button?.getAttribute('data-state')).toBe('none');
  expect(button?.className).toBe('badge push');
  expect(button?.textContent).toBe('Push to Client Hub');
  // Once per link: drawing it again adds nothing.
  expect(badges.draw(link, ID)).toBeNull();
  expect(link.parentElement?.querySelectorAll('client-hub-badge')).toHaveLength(1);
  // A status still loading keeps the button there, hidden and empty; its status shows when it comes.
  view?.update({ kind: 'loading' });
  expect(button?.hasAttribute('data-state')).toBe(false);
  expect(button?.textContent).toBe('');
  view?.update({ kind: 'task', taskId: 't1', status: 'Open' });
  expect(button?.textContent).toBe('Task: Open');
});

test('a link that has left the page gets no badge', () => {
  const [transaction] = table(`/Bank/ViewTransaction.aspx?bankTransactionID=${ID}`);
  const badges = badgesWith(new Map([[ID, { kind: 'none' }]]));
  transaction?.remove();
  expect(badges.draw(transaction as Element, ID)).toBeNull();
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
  const [first, second] = links.map((link, index) => badges.draw(link, index === 0 ? ID : OTHER_ID));
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
