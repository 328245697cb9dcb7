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
// Socket.IO's own heartbeat (its defaults: a ping every 25 s, 20 s to answer). The protocol's
// rules and handlers are shared with the `ws` yardstick (../yardstick-chat/chat.mjs); what is
// Socket.IO's own is here.
import http from 'node:http';
import { Server } from 'socket.io';
import {
  createChat, options, ProtocolError, MAX_FRAME_BYTES, PUBLIC_ROOM, SLOW_CLIENT_BYTES,
} from '../yardstick-chat/chat.mjs';

const args = options(process.argv);
const HOST = args.host ?? '127.0.0.1';
const PORT = Number(args.port ?? 8092);
const SLOW_CLIENT_CHECK_MS = 500;

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.url === '/' ? 'Socket.IO yardstick of Sori; endpoint: /socket.io/ (event "frame")\n' : 'not found\n');
});
// Socket.IO's defaults otherwise: pingInterval 25 s, pingTimeout 20 s, no permessage-deflate.
const io = new Server(server, { maxHttpBufferSize: MAX_FRAME_BYTES });

// Membership is Socket.IO's own (socket.join); the chat's rooms only keep seq and history.
const chat = createChat({
  send: (socket, frame) => socket.emit('frame', frame),
  broadcast: (r, type, payload) => io.to(r.name).emit('frame', { type, payload }), // encoded once per broadcast
  isMember: (socket, r) => socket.rooms.has(r.name),
  count: (r) => io.of('/').adapter.rooms.get(r.name)?.size ?? 0,
});

// Socket.IO has already parsed the JSON: a malformed packet never gets here (its parser closes the
// connection), so `bad_json` cannot happen; a binary attachment stands for a binary frame.
function check(frame) {
  if (Buffer.isBuffer(frame) || frame instanceof ArrayBuffer || ArrayBuffer.isView(frame)) {
    throw new ProtocolError('unsupported', 'binary frames are not supported');
  }
  return frame;
}

io.on('connection', (socket) => {
  const user = chat.newUser();
  chat.welcome(socket, user, 'node-socketio-yardstick');
  const general = chat.room(PUBLIC_ROOM);
  socket.join(general.name);
  user.rooms.add(general);
  chat.systemEvent(general, 'join', user); // to everyone in the room, the newcomer included

  socket.on('frame', (frame) => chat.onFrame(socket, user, () => check(frame)));
  socket.on('disconnect', () => { // Socket.IO has already taken the socket out of its rooms
    for (const r of user.rooms) chat.systemEvent(r, 'leave', user);
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
