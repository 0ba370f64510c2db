import { describe, expect, it } from 'vitest';
import { EventBus } from './eventBus';
import { EventLoop } from './eventLoop';

const log = (message: string) => ({ type: 'log' as const, level: 'info' as const, message });

function setup() {
  const bus = new EventBus(() => 0);
  const loop = new EventLoop(bus);
  const seen: string[] = [];
  bus.subscribe((e) => {
    if (e.type === 'log') seen.push(e.message);
  });
  return { bus, loop, seen };
}

describe('EventLoop', () => {
  it('handles a call at once when idle: the state has changed when post returns', () => {
    const { loop, bus, seen } = setup();
    let state = 0;
    loop.post(() => {
      state = 1;
      bus.emit(log('done'));
    });
    expect(state).toBe(1);
    expect(seen).toEqual(['done']);
  });

  it("delivers a handler's events only after it finished, in emission order", () => {
    const { loop, bus, seen } = setup();
    const stateSeen: number[] = [];
    let state = 0;
    bus.subscribe(() => stateSeen.push(state));
    loop.post(() => {
      bus.emit(log('a'));
      state = 1;
      bus.emit(log('b'));
      state = 2;
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['a', 'b']);
    // Every listener call saw the finished state, never the half-way one.
    expect(stateSeen).toEqual([2, 2]);
    expect(bus.history().map((e) => e.type === 'log' && e.message)).toEqual(['a', 'b']);
  });

  it('queues a call a listener makes while events are delivered, after the remaining events', () => {
    const { loop, bus, seen } = setup();
    bus.subscribe((e) => {
      if (e.type === 'log' && e.message === 'first') loop.post(() => bus.emit(log('from listener')));
    });
    loop.post(() => {
      bus.emit(log('first'));
      bus.emit(log('second'));
    });
    expect(seen).toEqual(['first', 'second', 'from listener']);
  });

  it('queues a call made from inside a handler behind it', () => {
    const { loop, bus, seen } = setup();
    loop.post(() => {
      loop.post(() => bus.emit(log('inner')));
      expect(loop.busy).toBe(true);
      bus.emit(log('outer'));
    });
    expect(seen).toEqual(['outer', 'inner']);
    expect(loop.busy).toBe(false);
  });

  it('a handler that throws neither wedges the loop nor loses the queued calls or its events; the caller gets the error', () => {
    const { loop, bus, seen } = setup();
    expect(() =>
      loop.post(() => {
        loop.post(() => bus.emit(log('queued')));
        bus.emit(log('before the bug'));
        throw new Error('bug');
      }),
    ).toThrow('bug');
    expect(seen).toEqual(['before the bug', 'queued']);
    loop.post(() => bus.emit(log('later')));
    expect(seen.at(-1)).toBe('later');
  });
});
