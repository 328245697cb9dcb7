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
// server's heartbeat pings. The protocol's rules and handlers are shared with the Socket.IO
// yardstick (../yardstick-chat/chat.mjs); what is `ws`'s own is here.
import http from 'node:http';
import { WebSocketServer, WebSocket } from 'ws';
import {
  createChat, options, ProtocolError, MAX_FRAME_BYTES, PUBLIC_ROOM, SLOW_CLIENT_BYTES,
} from '../yardstick-chat/chat.mjs';

const args = options(process.argv);
const HOST = args.host ?? '127.0.0.1';
const PORT = Number(args.port ?? 8091);
const HEARTBEAT_MS = Number(args['heartbeat-ms'] ?? 30_000); // the `ws` README's heartbeat: ping all, drop who did not pong

const members = new Map(); // room name -> the sockets in it

function send(ws, frame) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function broadcast(r, type, payload) {
  const data = JSON.stringify({ type, payload }); // once per broadcast, as in the tutorials
  for (const client of members.get(r.name) ?? []) {
    if (client.readyState === WebSocket.OPEN) {
      if (client.bufferedAmount > SLOW_CLIENT_BYTES) {
        client.close(1013, 'too slow'); // the protocol's slow-client rule; the tutorials have none
      } else {
        client.send(data);
      }
    }
  }
}

const chat = createChat({
  send,
  broadcast,
  isMember: (ws, r) => members.get(r.name)?.has(ws) ?? false,
  count: (r) => members.get(r.name)?.size ?? 0,
});

function parse(data, isBinary) {
  if (isBinary) throw new ProtocolError('unsupported', 'binary frames are not supported');
  try {
    return JSON.parse(data.toString());
  } catch {
    throw new ProtocolError('bad_json', 'not JSON');
  }
}

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/' ? 200 : 404, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(req.url === '/' ? 'Node ws yardstick of Sori; WebSocket endpoint: /chat\n' : 'not found\n');
});
const wss = new WebSocketServer({ server, path: '/chat', maxPayload: MAX_FRAME_BYTES });

wss.on('connection', (ws) => {
  const user = chat.newUser();
  ws.isAlive = true;
  ws.on('pong', () => { ws.isAlive = true; });
  chat.welcome(ws, user, 'node-ws-yardstick');
  const general = chat.room(PUBLIC_ROOM);
  if (!members.has(general.name)) members.set(general.name, new Set());
  members.get(general.name).add(ws);
  user.rooms.add(general);
  chat.systemEvent(general, 'join', user); // to everyone in the room, the newcomer included

  ws.on('message', (data, isBinary) => chat.onFrame(ws, user, () => parse(data, isBinary)));
  ws.on('close', () => {
    for (const r of user.rooms) {
      members.get(r.name).delete(ws);
      chat.systemEvent(r, 'leave', user);
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
