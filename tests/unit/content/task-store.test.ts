import { expect, test } from 'vitest';
import { createTaskStore } from '@/lib/content/task-store';

const ID = '3a1b2c3d-1111-4222-8333-944455566677';

test('a status that could not be read is told apart from a push that failed, each with its message', async () => {
  let refuse = 'Client Hub was updated. Reload this page.';
  const ask = (async (message: { type: string }) => {
    if (refuse) throw new Error(refuse);
    if (message.type === 'tasks.lookup') return { tasks: [] };
    throw new Error('not expected');
  }) as unknown as Parameters<typeof createTaskStore>[1];
  const store = createTaskStore('tenant-a', ask);

  await store.load([ID]);
  expect(store.get(ID)).toEqual({ kind: 'failed', message: refuse, whileReading: true });

  refuse = 'Xero is busy. Try again in a minute.';
  await store.push(ID);
  expect(store.get(ID)).toEqual({ kind: 'failed', message: 'Xero is busy. Try again in a minute.' });

  refuse = '';
  await store.refresh();
  expect(store.get(ID)).toEqual({ kind: 'none' });
});
