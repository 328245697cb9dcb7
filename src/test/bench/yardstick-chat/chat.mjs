// What the two yardsticks of issue 6 (../node-ws, ../node-socketio) do alike: the protocol's rules
// (/work/shared/PROTOCOL.md), the users, each room's seq and history, the handlers and the
// dispatch of a frame. No dependencies. Each server keeps what its library does its own way, which
// is what the comparison measures: how a frame is sent, who is in a room, how a broadcast goes out,
// how JSON arrives, the heartbeat and the slow-client rule.
import crypto from 'node:crypto';

export const MAX_MESSAGE_CHARS = 2000;
export const MAX_NICK_CHARS = 32;
export const MAX_FRAME_BYTES = 64 * 1024; // larger frames: the WebSocket closes with 1009 by itself
export const HISTORY_KEPT = 100; // per room
export const RATE_PER_SECOND = 20; // messages per connection, sustained
export const RATE_BURST = 40;
export const SLOW_CLIENT_BYTES = 1024 * 1024; // outgoing backlog past which a client is dropped
export const PUBLIC_ROOM = 'general';
const COLORS = ['#2a9d8f', '#e76f51', '#264653', '#8d5a97', '#3d5a80', '#9c6644',
  '#6a994e', '#bc4749', '#1d7874', '#7b2cbf', '#b5179e', '#4361ee'];

export class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * The chat, given how the server sends: `send(conn, frame)` to one connection,
 * `broadcast(room, type, payload)` to a room's members, `isMember(conn, room)` and `count(room)`.
 * Rooms live in memory only, history included: a restart forgets everything. (The Node tutorials
 * keep nothing at all; Sori stores every message before acking it. These servers keep the last
 * HISTORY_KEPT messages per room in an array so that `history` answers, and ack once the message
 * is in that array.) Only `general` exists: the tutorials have one room.
 */
export function createChat({ send, broadcast, isMember, count }) {
  const rooms = new Map();
  let connections = 0;

  function room(name) {
    let r = rooms.get(name);
    if (!r) {
      r = { name, seq: 0, history: [] };
      rooms.set(name, r);
    }
    return r;
  }

  // Every token is a fresh one: the tutorials remember no one, so a token is never resumed.
  function newUser() {
    const n = ++connections;
    return {
      sid: crypto.randomUUID(), token: crypto.randomUUID(),
      nick: `Anon-${String(crypto.randomInt(10000)).padStart(4, '0')}`, color: COLORS[n % COLORS.length],
      rooms: new Set(), tokens: RATE_BURST, refilled: Date.now(),
    };
  }

  function welcome(conn, user, serverName) {
    send(conn, {
      type: 'welcome',
      payload: {
        sid: user.sid, token: user.token, nick: user.nick, color: user.color, room: PUBLIC_ROOM,
        server: { name: serverName, version: '1' },
        limits: { maxMessageChars: MAX_MESSAGE_CHARS, maxNickChars: MAX_NICK_CHARS },
      },
    });
  }

  function systemEvent(r, kind, user, extra) {
    broadcast(r, 'system', { room: r.name, kind, nick: user.nick, ...extra, color: user.color, count: count(r), ts: Date.now() });
  }

  function textOf(payload) {
    const text = typeof payload === 'string' ? payload : payload?.text;
    if (typeof text !== 'string' || text.length < 1 || text.length > MAX_MESSAGE_CHARS) {
      throw new ProtocolError('invalid_argument', `text must be 1-${MAX_MESSAGE_CHARS} characters`);
    }
    return text;
  }

  function roomOf(conn, payload) {
    const name = typeof payload === 'object' && payload !== null && payload.room !== undefined ? payload.room : PUBLIC_ROOM;
    const r = rooms.get(name);
    if (!r || !isMember(conn, r)) throw new ProtocolError('not_in_room', `not in room ${name}`);
    return r;
  }

  function allowed(user) { // a token bucket per connection
    const now = Date.now();
    user.tokens = Math.min(RATE_BURST, user.tokens + ((now - user.refilled) * RATE_PER_SECOND) / 1000);
    user.refilled = now;
    if (user.tokens < 1) return false;
    user.tokens -= 1;
    return true;
  }

  // Each returns [ack payload, what to do after the ack went out].
  const handlers = {
    new_message(conn, user, payload) {
      const text = textOf(payload);
      const r = roomOf(conn, payload);
      if (!allowed(user)) throw new ProtocolError('rate_limited', 'too many messages');
      const message = { room: r.name, seq: ++r.seq, nick: user.nick, color: user.color, text, ts: Date.now() };
      r.history.push(message);
      if (r.history.length > HISTORY_KEPT) r.history.shift();
      return [{ room: r.name, seq: message.seq }, () => broadcast(r, 'message', message)];
    },
    nickname(conn, user, payload) {
      const nick = typeof payload === 'string' ? payload.trim() : '';
      if (nick.length < 1 || nick.length > MAX_NICK_CHARS || /\p{Cc}/u.test(nick)) {
        throw new ProtocolError('invalid_argument', `a nickname is 1-${MAX_NICK_CHARS} characters, no control characters`);
      }
      const old = user.nick;
      user.nick = nick;
      return [{ nick, color: user.color }, () => { for (const r of user.rooms) systemEvent(r, 'nick', user, { old }); }];
    },
    history(conn, user, payload) {
      const r = roomOf(conn, payload);
      const limit = Math.min(100, Math.max(1, Number(payload?.limit ?? 50) || 50));
      const before = Number(payload?.before ?? Infinity);
      const older = r.history.filter((m) => m.seq < before);
      return [{ messages: older.slice(-limit) }];
    },
    ping(conn, user, payload) {
      return [payload ?? null];
    },
  };
  for (const type of ['join', 'leave', 'create_room', 'delete_room', 'list_rooms', 'typing']) {
    handlers[type] = () => { throw new ProtocolError('unsupported', `${type} is not implemented by this yardstick`); };
  }

  /**
   * One frame from `conn`: `read()` gives the frame as an object, or throws a ProtocolError (the
   * server's own checks: binary, JSON). Every failure is answered with an `error`; the connection
   * stays.
   */
  function onFrame(conn, user, read) {
    let id;
    try {
      const frame = read();
      if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || typeof frame.type !== 'string'
          || (frame.id !== undefined && (typeof frame.id !== 'string' || frame.id.length > 64))) {
        throw new ProtocolError('bad_envelope', 'expected {"type","payload"?,"id"?}');
      }
      id = frame.id;
      const handler = Object.hasOwn(handlers, frame.type) ? handlers[frame.type] : null;
      if (!handler) throw new ProtocolError('unknown_type', `unknown type ${frame.type}`);
      const [ack, then] = handler(conn, user, frame.payload);
      if (id !== undefined) send(conn, { type: 'ack', id, payload: ack });
      if (then) then(); // after the ack: the sender receives the broadcast too
    } catch (e) {
      const known = e instanceof ProtocolError;
      if (!known) console.error(e);
      const error = { code: known ? e.code : 'internal', message: known ? e.message : 'internal error' };
      send(conn, id !== undefined ? { type: 'error', id, payload: error } : { type: 'error', payload: error });
    }
  }

  return { room, newUser, welcome, systemEvent, onFrame };
}

/** `--name value` pairs of the command line. */
export function options(argv) {
  return Object.fromEntries(
    argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
  );
}
