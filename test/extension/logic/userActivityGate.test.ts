import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../../src/extension/logic/clock';
import { UserActivityGate, type GateTimes } from '../../../src/extension/logic/userActivityGate';

/** A clock the test moves by hand; timers fire in time order as it passes them. */
class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      this.timers.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].callback();
    }
    this.time = end;
  }

  get pending(): number {
    return this.timers.size;
  }
}

const TIMES: GateTimes = { tailMs: 1500, maxHoldMs: 10_000, maxClosedMs: 5000, breakMs: 1000 };

function gateWithLog(): { gate: UserActivityGate; clock: FakeClock; opened: number[] } {
  const clock = new FakeClock();
  const gate = new UserActivityGate(TIMES, clock);
  const opened: number[] = [];
  gate.onOpen(() => opened.push(clock.now()));
  return { gate, clock, opened };
}

test('a touch closes the gate for the tail, and the listeners hear it open once, when the tail ends', () => {
  const { gate, clock, opened } = gateWithLog();
  assert.equal(gate.isOpen, true);
  gate.touch();
  assert.equal(gate.isOpen, false);
  clock.advance(1000);
  gate.touch(); // a second action extends the tail from now
  clock.advance(1499);
  assert.equal(gate.isOpen, false);
  assert.deepEqual(opened, []);
  clock.advance(1);
  assert.equal(gate.isOpen, true);
  assert.deepEqual(opened, [2500]);
  clock.advance(60_000);
  assert.deepEqual(opened, [2500], 'no further openings without closings');
  assert.equal(clock.pending, 0, 'no timer left behind');
});

test('a command holds the gate while it runs and for the tail after it', async () => {
  const { gate, clock, opened } = gateWithLog();
  let finish: () => void = () => undefined;
  const running = gate.during(() => new Promise<string>((done) => (finish = () => done('picked'))));
  assert.equal(gate.isOpen, false);
  clock.advance(3000);
  assert.equal(gate.isOpen, false, 'still held while the command runs');
  finish();
  assert.equal(await running, 'picked');
  assert.equal(gate.isOpen, false, 'the tail after the command');
  clock.advance(1500);
  assert.equal(gate.isOpen, true);
  assert.deepEqual(opened, [4500]);
});

test('a command that fails still releases the gate', async () => {
  const { gate, clock } = gateWithLog();
  await assert.rejects(
    gate.during(() => Promise.reject(new Error('no folder'))),
    /no folder/,
  );
  clock.advance(1500);
  assert.equal(gate.isOpen, true);
});

test('a command left waiting (a quick pick left open) holds the run at most maxHoldMs, then its tail', () => {
  const { gate, clock, opened } = gateWithLog();
  const never = gate.during(() => new Promise<void>(() => undefined));
  void never;
  clock.advance(4999);
  assert.equal(gate.isOpen, false);
  // Closed for maxClosedMs: a break first, whatever holds it.
  clock.advance(1);
  assert.equal(gate.isOpen, true);
  assert.deepEqual(opened, [5000]);
  clock.advance(1000);
  assert.equal(gate.isOpen, false, 'closed again after the break: the command still holds it');
  clock.advance(4000);
  // At 10 s the hold's cap releases it; its tail (to 11.5 s) keeps it closed until the next break at 11 s.
  assert.equal(gate.isOpen, false);
  clock.advance(1000);
  assert.equal(gate.isOpen, true);
  clock.advance(2000);
  assert.equal(gate.isOpen, true, 'the break ended after the tail: open for good');
  assert.deepEqual(opened, [5000, 11_000]);
  assert.equal(clock.pending, 0);
});

test('however busy the user, the gate opens for breakMs after maxClosedMs closed', () => {
  const { gate, clock, opened } = gateWithLog();
  let openMs = 0;
  // An action every 200 ms for 30 s (scrolling the gallery, say).
  for (let t = 0; t < 30_000; t += 100) {
    if (t % 200 === 0) gate.touch();
    if (gate.isOpen) openMs += 100;
    clock.advance(100);
  }
  // Each 6 s: 5 s closed, 1 s open.
  assert.equal(opened.length, 5);
  assert.ok(openMs >= 4000 && openMs <= 6000, `open ${openMs} ms of 30,000`);
});

test('after dispose nothing is scheduled and no listener is called', () => {
  const { gate, clock, opened } = gateWithLog();
  gate.touch();
  gate.dispose();
  clock.advance(10_000);
  assert.deepEqual(opened, []);
  assert.equal(clock.pending, 0);
});
