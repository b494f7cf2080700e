/** Virtual clock: real time plus an offset, so tests can jump ahead without sleeping. */
export interface SandboxClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createClock(realNow: () => number = Date.now): SandboxClock {
  let offset = 0;
  return {
    now: () => realNow() + offset,
    advance: (ms) => {
      offset += ms;
    },
    set: (ms) => {
      offset = ms - realNow();
    },
  };
}
