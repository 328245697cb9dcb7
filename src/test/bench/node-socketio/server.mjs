// The second yardstick of issue 6: the chat server of the classic Socket.IO tutorials (the
// socket.io "chat" example, the "gif-chat" of the Node.js textbooks), speaking Sori's wire protocol
// (/work/shared/PROTOCOL.md) so that Sori's load generator runs against it with `--wire socketio`.
// Written the way those tutorials write it: a node:http server, `new Server(httpServer)`, the room
// joined with socket.join('general'), broadcasts with io.to(room).emit(...) (which encodes once per
// broadcast). Idiomatic, not tuned. It mirrors ../node-ws/server.mjs feature for feature.
//
//   node server.mjs [--host 127.0.0.1] [--port 8092]     (port 0: any free port)
//
// Wire convention: every PROTOCOL.md frame travels as ONE Socket.IO event named `frame` whose only
// argument is the frame's JSON object, both ways. Over Engine.IO v4 on a WebSocket that is the text
// frame 42["frame",{"type":...,"payload":...}]. It stands for the tutorials' named events
// (socket.emit('chat message', ...)) at the same cost: one JSON.stringify of the packet per emit.
//
// It implements the part of the protocol the generator uses (see README.md): welcome, the
// automatic join of `general` with `system` join/leave counts, `new_message` with `ack` and the
// room's gap-free `seq`, `nickname`, `ping`, `history`, errors for bad frames, the per-connection
// rate limit, a slow-client disconnect past 1 MiB of backlog, the 64 KiB frame limit and
// Socket.IO's own heartbeat (its defaults: a ping every 25 s, 20 s to answer).
import http from 'node:http';
import crypto from 'node:crypto';
import { Server } from 'socket.io';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const HOST = args.host ?? '127.0.0.1';
const PORT = Number(args.port ?? 8092);

const MAX_MESSAGE_CHARS = 2000;
const MAX_NICK_CHARS = 32;
const MAX_FRAME_BYTES = 64 * 1024; // larger frames: the WebSocket underneath closes with 1009 by itself
const HISTORY_KEPT = 100; // per room
const RATE_PER_SECOND = 20; // messages per connection, sustained
const RATE_BURST = 40;
const SLOW_CLIENT_BYTES = 1024 * 1024; // outgoing backlog past which a client is disconnected
const SLOW_CLIENT_CHECK_MS = 500;
const PUBLIC_ROOM = 'general';
const COLORS = ['#2a9d8f', '#e76f51', '#264653', '#8d5a97', '#3d5a80', '#9c6644',
  '#6a994e', '#bc4749', '#1d7874', '#7b2cbf', '#b5179e', '#4361ee'];

// Rooms live in memory only, history included, as in ../node-ws: a restart forgets everything.
// Membership is Socket.IO's own (socket.join); this map only keeps each room's seq and its last
// HISTORY_KEPT messages. Only `general` exists: the tutorials have one room.
const rooms = new Map();
function room(name) {
  let r = rooms.get(name);
  if (!r) {
    r = { name, seq: 0, history: [] };
    rooms.set(name, r);
  }
  return r;
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.url === '/' ? 'Socket.IO yardstick of Sori; endpoint: /socket.io/ (event "frame")\n' : 'not found\n');
});
// Socket.IO's defaults otherwise: pingInterval 25 s, pingTimeout 20 s, no permessage-deflate.
const io = new Server(server, { maxHttpBufferSize: MAX_FRAME_BYTES });

function broadcast(r, type, payload) {
  io.to(r.name).emit('frame', { type, payload }); // encoded once per broadcast by Socket.IO
}

function send(socket, frame) {
  socket.emit('frame', frame);
}

function reply(socket, id, payload) {
  if (id !== undefined) send(socket, { type: 'ack', id, payload });
}

class ProtocolError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

function count(r) {
  return io.of('/').adapter.rooms.get(r.name)?.size ?? 0;
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

function roomOf(socket, payload) {
  const name = typeof payload === 'object' && payload !== null && payload.room !== undefined ? payload.room : PUBLIC_ROOM;
  const r = rooms.get(name);
  if (!r || !socket.rooms.has(name)) throw new ProtocolError('not_in_room', `not in room ${name}`);
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
  new_message(socket, user, payload) {
    const text = textOf(payload);
    const r = roomOf(socket, payload);
    if (!allowed(user)) throw new ProtocolError('rate_limited', 'too many messages');
    const message = { room: r.name, seq: ++r.seq, nick: user.nick, color: user.color, text, ts: Date.now() };
    r.history.push(message);
    if (r.history.length > HISTORY_KEPT) r.history.shift();
    return [{ room: r.name, seq: message.seq }, () => broadcast(r, 'message', message)];
  },
  nickname(socket, user, payload) {
    const nick = typeof payload === 'string' ? payload.trim() : '';
    if (nick.length < 1 || nick.length > MAX_NICK_CHARS || /\p{Cc}/u.test(nick)) {
      throw new ProtocolError('invalid_argument', `a nickname is 1-${MAX_NICK_CHARS} characters, no control characters`);
    }
    const old = user.nick;
    user.nick = nick;
    return [{ nick, color: user.color }, () => { for (const r of user.rooms) systemEvent(r, 'nick', user, { old }); }];
  },
  history(socket, user, payload) {
    const r = roomOf(socket, payload);
    const limit = Math.min(100, Math.max(1, Number(payload?.limit ?? 50) || 50));
    const before = Number(payload?.before ?? Infinity);
    const older = r.history.filter((m) => m.seq < before);
    return [{ messages: older.slice(-limit) }];
  },
  ping(socket, user, payload) {
    return [payload ?? null];
  },
};
for (const type of ['join', 'leave', 'create_room', 'delete_room', 'list_rooms', 'typing']) {
  handlers[type] = () => { throw new ProtocolError('unsupported', `${type} is not implemented by this yardstick`); };
}

// Socket.IO has already parsed the JSON: a malformed packet never gets here (its parser closes the
// connection), so `bad_json` cannot happen; a binary attachment stands for a binary frame.
function onFrame(socket, user, frame) {
  let id;
  try {
    if (Buffer.isBuffer(frame) || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame)) {
      throw new ProtocolError('unsupported', 'binary frames are not supported');
    }
    if (typeof frame !== 'object' || frame === null || Array.isArray(frame) || typeof frame.type !== 'string'
        || (frame.id !== undefined && (typeof frame.id !== 'string' || frame.id.length > 64))) {
      throw new ProtocolError('bad_envelope', 'expected {"type","payload"?,"id"?}');
    }
    id = frame.id;
    const handler = Object.hasOwn(handlers, frame.type) ? handlers[frame.type] : null;
    if (!handler) throw new ProtocolError('unknown_type', `unknown type ${frame.type}`);
    const [ack, then] = handler(socket, user, frame.payload);
    reply(socket, id, ack); // the ack first, then the broadcast (which the sender receives too)
    if (then) then();
  } catch (e) {
    const known = e instanceof ProtocolError;
    if (!known) console.error(e);
    const error = { code: known ? e.code : 'internal', message: known ? e.message : 'internal error' };
    send(socket, id !== undefined ? { type: 'error', id, payload: error } : { type: 'error', payload: error });
  }
}

let connections = 0;
io.on('connection', (socket) => {
  // Every token is a fresh one: the tutorials remember no one, so a token is never resumed.
  const n = ++connections;
  const user = {
    sid: crypto.randomUUID(), token: crypto.randomUUID(),
    nick: `Anon-${String(crypto.randomInt(10000)).padStart(4, '0')}`, color: COLORS[n % COLORS.length],
    rooms: new Set(), tokens: RATE_BURST, refilled: Date.now(),
  };
  send(socket, {
    type: 'welcome',
    payload: {
      sid: user.sid, token: user.token, nick: user.nick, color: user.color, room: PUBLIC_ROOM,
      server: { name: 'node-socketio-yardstick', version: '1' },
      limits: { maxMessageChars: MAX_MESSAGE_CHARS, maxNickChars: MAX_NICK_CHARS },
    },
  });
  const general = room(PUBLIC_ROOM);
  socket.join(general.name);
  user.rooms.add(general);
  systemEvent(general, 'join', user); // to everyone in the room, the newcomer included

  socket.on('frame', (frame) => onFrame(socket, user, frame));
  socket.on('disconnect', () => { // Socket.IO has already taken the socket out of its rooms
    for (const r of user.rooms) systemEvent(r, 'leave', user);
    user.rooms.clear();
  });
});

// The protocol's slow-client rule; the tutorials have none. Socket.IO's broadcast loop is inside its
// adapter, so unlike ../node-ws this cannot be checked per send: a sweep looks at what each
// connection still owes, i.e. what the WebSocket holds (bufferedAmount) plus the packets Engine.IO
// queues while the WebSocket has not finished the previous batch. Neither is public API (hence the
// `?.`); `data.length` counts characters, which is bytes for the ASCII the benchmark sends.
function backlogBytes(socket) {
  const conn = socket.conn;
  let bytes = conn.transport?.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer ?? []) {
    bytes += packet.data?.length ?? 0;
    if (bytes > SLOW_CLIENT_BYTES) break;
  }
  return bytes;
}
const slowClients = setInterval(() => {
  for (const socket of io.of('/').sockets.values()) {
    // Leaves the rooms at once; the TCP connection goes when Engine.IO gives up on it (ping timeout).
    if (backlogBytes(socket) > SLOW_CLIENT_BYTES) socket.disconnect(true);
  }
}, SLOW_CLIENT_CHECK_MS);

server.listen(PORT, HOST, () => {
  console.log(`listening on ws://${HOST}:${server.address().port}/socket.io/`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    clearInterval(slowClients);
    io.close();
    process.exit(0);
  });
}
// jcmd (the generator's memory scenario unless given --heap false) attaches by sending SIGQUIT,
// whose default action would kill Node: survive it and say why the heap figure is missing.
process.on('SIGQUIT', () => console.error('SIGQUIT ignored: not a JVM (run the memory scenario with --heap false)'));
