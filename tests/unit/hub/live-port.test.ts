import { expect, test, vi } from 'vitest';
import { keepLive, LIVE_PORT, type PagePort } from '@/lib/hub/live-port';

function fakePort() {
  const disconnects: (() => void)[] = [];
  const messages: ((m: unknown) => void)[] = [];
  const port: PagePort & { drop(): void; say(m: unknown): void } = {
    onDisconnect: { addListener: (l) => disconnects.push(l) },
    onMessage: { addListener: (l) => messages.push(l) },
    disconnect: vi.fn(),
    drop: () => {
      for (const l of disconnects) l();
    },
    say: (m) => {
      for (const l of messages) l(m);
    },
  };
  return port;
}

test('a page reconnects after the worker stops only while the background polls a server', async () => {
  vi.useFakeTimers();
  const ports: ReturnType<typeof fakePort>[] = [];
  const connect = vi.fn((info: { name: string }) => {
    expect(info.name).toBe(LIVE_PORT);
    const port = fakePort();
    ports.push(port);
    return port;
  });
  const stop = keepLive(connect, { reconnectMs: 100 });
  expect(connect).toHaveBeenCalledTimes(1);
  // Signed in to a server: the background says so; the worker stops; the page wakes it again.
  ports[0]?.say({ live: true });
  ports[0]?.drop();
  await vi.advanceTimersByTimeAsync(100);
  expect(connect).toHaveBeenCalledTimes(2);
  // No server (the background never says it polls): the sleeping worker is left alone.
  ports[1]?.drop();
  await vi.advanceTimersByTimeAsync(1000);
  expect(connect).toHaveBeenCalledTimes(2);
  stop();
  vi.useRealTimers();
});
