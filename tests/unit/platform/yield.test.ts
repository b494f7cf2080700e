import { afterEach, describe, expect, it, vi } from 'vitest';
import { yieldToPage } from '@/lib/platform/yield';

describe('yieldToPage', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("uses the browser's scheduler.yield where there is one", async () => {
    const schedulerYield = vi.fn(() => Promise.resolve());
    vi.stubGlobal('scheduler', { yield: schedulerYield });
    await yieldToPage();
    expect(schedulerYield).toHaveBeenCalledTimes(1);
  });

  it('without one, resumes in a later task: after a timer queued before it, never in this task', async () => {
    vi.stubGlobal('scheduler', undefined);
    const order: string[] = [];
    setTimeout(() => order.push('timer queued first'), 0);
    const resumed = yieldToPage().then(() => order.push('resumed'));
    await Promise.resolve();
    expect(order).toEqual([]);
    await resumed;
    expect(order).toEqual(['timer queued first', 'resumed']);
  });
});
