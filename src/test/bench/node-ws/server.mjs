// The yardstick of issue 6: the broadcast chat server of the classic Node `ws` (+ Express)
// tutorials, speaking Sori's wire protocol (/work/shared/PROTOCOL.md) so that Sori's load
// generator runs against it unchanged. Written the way those tutorials write it: one
// WebSocketServer, JSON.stringify once per broadcast, client.send in a loop over the room's
// members. Idiomatic, not tuned. No Express: it would only serve a page the benchmark never asks for.
//
//   node server.mjs [--host 127.0.0.1] [--port 8091] [--heartbeat-ms 30000]     (port 0: any free port)
//
// It implements the part of the protocol the generator uses (see README.md): welcome, the
// automatic join of `general` with `system` join/leave counts, `new_message` with `ack` and
// the room's gap-free `seq`, `nickname`, `ping`, `history`, errors for bad frames, the
// per-connection rate limit, the slow-client close (1013), the 64 KiB frame limit and the
// server's heartbeat pings.
import http from 'node:http';
import crypto from 'node:crypto';
import { WebSocketServer, WebSocket } from 'ws';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const HOST = args.host ?? '127.0.0.1';
const PORT = Number(args.port ?? 8091);

const MAX_MESSAGE_CHARS = 2000;
const MAX_NICK_CHARS = 32;
const MAX_FRAME_BYTES = 64 * 1024; // larger frames: ws closes with 1009 by itself
const HISTORY_KEPT = 100; // per room
const RATE_PER_SECOND = 20; // messages per connection, sustained
const RATE_BURST = 40;
const SLOW_CLIENT_BYTES = 1024 * 1024; // outgoing backlog past which a client is closed with 1013
const HEARTBEAT_MS = Number(args['heartbeat-ms'] ?? 30_000); // the `ws` README's heartbeat: ping all, drop who did not pong
const PUBLIC_ROOM = 'general';
const COLORS = ['#2a9d8f', '#e76f51', '#264653', '#8d5a97', '#3d5a80', '#9c6644',
  '#6a994e', '#bc4749', '#1d7874', '#7b2cbf', '#b5179e', '#4361ee'];

// Rooms live in memory only, history included: a restart forgets everything. (The Node tutorials
// keep nothing at all; Sori stores every message before acking it. This server keeps the last
// HISTORY_KEPT messages per room in an array so that `history` answers, and acks once the message
// is in that array.) Only `general` exists: the tutorials have one room.
const rooms = new Map();
function room(name) {
  let r = rooms.get(name);
  if (!r) {
    r = { name, members: new Set(), seq: 0, history: [] };
    rooms.set(name, r);
  }
  return r;
}

function broadcast(r, type, payload) {
  const data = JSON.stringify({ type, payload }); // once per broadcast, as in the tutorials
  for (const client of r.members) {
    if (client.readyState === WebSocket.OPEN) {
      if (client.bufferedAmount > SLOW_CLIENT_BYTES) {
        client.close(1013, 'too slow'); // the protocol's slow-client rule; the tutorials have none
      } else {
        client.send(data);
      }
    }
  }
}

function send(ws, frame) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function reply(ws, id, payload) {
  if (id !== undefined) send(ws, { type: 'ack', id, payload });
}

class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function systemEvent(r, kind, user, extra) {
  broadcast(r, 'system', { room: r.name, kind, nick: user.nick, ...extra, color: user.color, count: r.members.size, ts: Date.now() });
}

function textOf(payload) {
  const text = typeof payload === 'string' ? payload : payload?.text;
  if (typeof text !== 'string' || text.length < 1 || text.length > MAX_MESSAGE_CHARS) {
    throw new ProtocolError('invalid_argument', `text must be 1-${MAX_MESSAGE_CHARS} characters`);
  }
  return text;
}

function roomOf(ws, payload) {
  const name = typeof payload === 'object' && payload !== null && payload.room !== undefined ? payload.room : PUBLIC_ROOM;
  const r = rooms.get(name);
  if (!r || !r.members.has(ws)) throw new ProtocolError('not_in_room', `not in room ${name}`);
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

const handlers = {
  new_message(ws, user, payload) {
    const text = textOf(payload);
    const r = roomOf(ws, payload);
    if (!allowed(user)) throw new ProtocolError('rate_limited', 'too many messages');
    const message = { room: r.name, seq: ++r.seq, nick: user.nick, color: user.color, text, ts: Date.now() };
    r.history.push(message);
    if (r.history.length > HISTORY_KEPT) r.history.shift();
    return [{ room: r.name, seq: message.seq }, () => broadcast(r, 'message', message)];
  },
  nickname(ws, user, payload) {
    const nick = typeof payload === 'string' ? payload.trim() : '';
    if (nick.length < 1 || nick.length > MAX_NICK_CHARS || /\p{Cc}/u.test(nick)) {
      throw new ProtocolError('invalid_argument', `a nickname is 1-${MAX_NICK_CHARS} characters, no control characters`);
    }
    const old = user.nick;
    user.nick = nick;
    return [{ nick, color: user.color }, () => { for (const r of user.rooms) systemEvent(r, 'nick', user, { old }); }];
  },
  history(ws, user, payload) {
    const r = roomOf(ws, payload);
    const limit = Math.min(100, Math.max(1, Number(payload?.limit ?? 50) || 50));
    const before = Number(payload?.before ?? Infinity);
    const older = r.history.filter((m) => m.seq < before);
    return [{ messages: older.slice(-limit) }];
  },
  ping(ws, user, payload) {
    return [payload ?? null];
  },
};
for (const type of ['join', 'leave', 'create_room', 'delete_room', 'list_rooms', 'typing']) {
  handlers[type] = () => { throw new ProtocolError('unsupported', `${type} is not implemented by this yardstick`); };
}

function onFrame(ws, user, data, isBinary) {
  let frame;
  let id;
  try {
    if (isBinary) throw new ProtocolError('unsupported', 'binary frames are not supported');
    try {
      frame = JSON.parse(data.toString());
    } catch {
      throw new ProtocolError('bad_json', 'not JSON');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || typeof frame.type !== 'string'
        || (frame.id !== undefined && (typeof frame.id !== 'string' || frame.id.length > 64))) {
      throw new ProtocolError('bad_envelope', 'expected {"type","payload"?,"id"?}');
    }
    id = frame.id;
    const handler = Object.hasOwn(handlers, frame.type) ? handlers[frame.type] : null;
    if (!handler) throw new ProtocolError('unknown_type', `unknown type ${frame.type}`);
    const [ack, then] = handler(ws, user, frame.payload);
    reply(ws, id, ack); // the ack first, then the broadcast (which the sender receives too)
    if (then) then();
  } catch (e) {
    const known = e instanceof ProtocolError;
    if (!known) console.error(e);
    const error = { code: known ? e.code : 'internal', message: known ? e.message : 'internal error' };
    send(ws, id !== undefined ? { type: 'error', id, payload: error } : { type: 'error', payload: error });
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.url === '/' ? 'Node ws yardstick of Sori; WebSocket endpoint: /chat\n' : 'not found\n');
});
const wss = new WebSocketServer({ server, path: '/chat', maxPayload: MAX_FRAME_BYTES });

let connections = 0;
wss.on('connection', (ws) => {
  // Every token is a fresh one: the tutorials remember no one, so a ?token= is never resumed.
  const n = ++connections;
  const user = {
    sid: crypto.randomUUID(), token: crypto.randomUUID(),
    nick: `Anon-${String(crypto.randomInt(10000)).padStart(4, '0')}`, color: COLORS[n % COLORS.length],
    rooms: new Set(), tokens: RATE_BURST, refilled: Date.now(),
  };
  ws.isAlive = true;
  ws.on('pong', () => { ws.isAlive = true; });
  send(ws, {
    type: 'welcome',
    payload: {
      sid: user.sid, token: user.token, nick: user.nick, color: user.color, room: PUBLIC_ROOM,
      server: { name: 'node-ws-yardstick', version: '1' },
      limits: { maxMessageChars: MAX_MESSAGE_CHARS, maxNickChars: MAX_NICK_CHARS },
    },
  });
  const general = room(PUBLIC_ROOM);
  general.members.add(ws);
  user.rooms.add(general);
  systemEvent(general, 'join', user); // to everyone in the room, the newcomer included

  ws.on('message', (data, isBinary) => onFrame(ws, user, data, isBinary));
  ws.on('close', () => {
    for (const r of user.rooms) {
      r.members.delete(ws);
      systemEvent(r, 'leave', user);
    }
    user.rooms.clear();
  });
  ws.on('error', () => {}); // a reset socket: 'close' follows
});

const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (ws.isAlive === false) {
      ws.terminate();
    } else {
      ws.isAlive = false;
      ws.ping();
    }
  }
}, HEARTBEAT_MS);
wss.on('close', () => clearInterval(heartbeat));

server.listen(PORT, HOST, () => {
  console.log(`listening on ws://${HOST}:${server.address().port}/chat`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    wss.close();
    server.close();
    process.exit(0);
  });
}
// jcmd (the generator's memory scenario unless given --heap false) attaches by sending SIGQUIT,
// whose default action would kill Node: survive it and say why the heap figure is missing.
process.on('SIGQUIT', () => console.error('SIGQUIT ignored: not a JVM (run the memory scenario with --heap false)'));
