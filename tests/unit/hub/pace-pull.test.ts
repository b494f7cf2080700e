import { expect, test } from 'vitest';
import { pacePull } from '@/lib/hub/pull';

const pacer = (looking: boolean, rest: number) => {
  const slept: number[] = [];
  const pace = pacePull({
    looking: () => looking,
    rest,
    sleep: async (ms) => {
      slept.push(ms);
    },
  });
  return { pace, slept };
};

test('while someone looks, the pull rests in proportion to what its last page cost this browser', async () => {
  const { pace, slept } = pacer(true, 1.5);
  await pace(120);
  await pace(7.3);
  expect(slept).toEqual([180, 11]);
});

test('a rest has a ceiling', async () => {
  const slept: number[] = [];
  const pace = pacePull({
    looking: () => true,
    rest: 1,
    mostMs: 500,
    sleep: async (ms) => void slept.push(ms),
  });
  await pace(4000);
  expect(slept).toEqual([500]);
});

test('nobody looking: the pull does not rest', async () => {
  const { pace, slept } = pacer(false, 1.5);
  await pace(120);
  expect(slept).toEqual([]);
});

test('a page that cost nothing gives no rest', async () => {
  const { pace, slept } = pacer(true, 2);
  await pace(0);
  expect(slept).toEqual([]);
});

test('the default rest is a real timer', async () => {
  const pace = pacePull({ looking: () => true, rest: 1 });
  const started = performance.now();
  await pace(30);
  expect(performance.now() - started).toBeGreaterThanOrEqual(25);
});
