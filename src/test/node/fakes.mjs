// Test doubles for the page's logic: a clock whose time moves only when the test says so, and a
// WebSocket whose server side is the test. Real code, fake time and network: the unit tests run
// in milliseconds and never sleep.
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

/** Loads webapp/sori.js the way a browser's <script src> does: as a classic script defining `Sori`. */
export function loadSori() {
  const code = readFileSync(new URL('../../../webapp/sori.js', import.meta.url), 'utf8');
  const context = vm.createContext({ URL, console, crypto: globalThis.crypto, setTimeout, clearTimeout });
  vm.runInContext(code, context, { filename: 'sori.js' });
  return context.Sori;
}

export class FakeClock {
  constructor(start = 1_000_000) {
    this.time = start;
    this.timers = new Map();
    this.nextId = 1;
  }

  now = () => this.time;

  setTimeout = (fn, ms) => {
    const id = this.nextId++;
    this.timers.set(id, { fn, at: this.time + Math.max(0, ms) });
    return id;
  };

  clearTimeout = (id) => {
    this.timers.delete(id);
  };

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let next = null;
      for (const [id, timer] of this.timers) if (timer.at <= end && (!next || timer.at < next[1].at)) next = [id, timer];
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

/** A WebSocket the test plays the server of. `FakeSocket.all` lists every one created. */
export class FakeSocket {
  static all = [];

  static reset() {
    FakeSocket.all = [];
  }

  static get last() {
    return FakeSocket.all[FakeSocket.all.length - 1];
  }

  constructor(url) {
    this.url = url;
    this.sent = [];
    this.closed = false;
    this.readyState = 0; // CONNECTING, as a browser's WebSocket
    this.listeners = {};
    FakeSocket.all.push(this);
  }

  addEventListener(type, fn) {
    (this.listeners[type] ||= []).push(fn);
  }

  fire(type, event = {}) {
    for (const fn of this.listeners[type] || []) fn(event);
  }

  send(data) {
    if (this.closed) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(data));
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.readyState = 2; // CLOSING
    // As in a browser, close is reported later, not inside close().
    queueMicrotask(() => {
      this.readyState = 3;
      this.fire('close', { code: 1000 });
    });
  }

  // --- the server side ---
  accept() {
    this.readyState = 1; // OPEN
    this.fire('open');
  }

  /** The server has begun to close: the socket is closing, its close event still to come. */
  closing() {
    this.readyState = 2;
  }

  push(frame) {
    this.fire('message', { data: JSON.stringify(frame) });
  }

  /** The connection dies under us (the server went away). */
  cut() {
    this.closed = true;
    this.readyState = 3;
    this.fire('close', { code: 1006 });
  }

  frames(type) {
    return this.sent.filter((f) => f.type === type);
  }
}

/** Lets promise callbacks run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
