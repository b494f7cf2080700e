import { expect, test } from 'vitest';
import { rememberCounts, rememberedCounts } from '@/lib/tasks/count-cache';

const memory = () => {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
};
const counts = { Open: 10_000, Answered: 3, Closed: 0, ResolvedInXero: 1, Cancelled: 2 };

test('counts are remembered per workspace', () => {
  const storage = memory();
  expect(rememberedCounts(storage, 'w1')).toBeNull();
  rememberCounts(storage, 'w1', counts);
  expect(rememberedCounts(storage, 'w1')).toEqual(counts);
  expect(rememberedCounts(storage, 'w2')).toBeNull();
});

test('anything unreadable is no counts at all (the page counts first), never a wrong number', () => {
  const storage = memory();
  for (const raw of [
    'not json',
    '{"Open":-1,"Answered":0,"Closed":0,"ResolvedInXero":0,"Cancelled":0}',
    '{"Open":5}',
    '[]',
  ]) {
    storage.items.set('client-hub:tab-counts:w1', raw);
    expect(rememberedCounts(storage, 'w1')).toBeNull();
  }
  const refusing = {
    getItem: () => {
      throw new Error('SecurityError');
    },
    setItem: () => {
      throw new Error('QuotaExceededError');
    },
  };
  expect(rememberedCounts(refusing, 'w1')).toBeNull();
  expect(() => rememberCounts(refusing, 'w1', counts)).not.toThrow();
});
