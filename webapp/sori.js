/*
 * sori.js: a client for the Sori chat protocol (docs/protocol.md, version 1.1), served by every
 * Sori server at /sori.js. The Sori page is its first user; docs/client.md shows how to embed a
 * room in another site.
 *
 * A classic script, not an ES module: a page on another origin loads it with a plain
 * <script src>, which needs no CORS headers (a module script would). It defines `Sori`; under
 * Node (the unit tests) it is also `module.exports`.
 *
 * Three layers, each usable and tested on its own (in the spirit of Socket.IO's Manager / Socket):
 * - Connection: one WebSocket at a time; reconnects with jittered exponential backoff, gives up
 *   on a socket stuck opening, and pings after a quiet spell to find a half-open connection.
 * - Requests: envelope ids, one reply per id, a timeout per request; everything in flight fails
 *   with `disconnected` when the connection drops.
 * - Client: the two above plus what a chat needs: the identity token, the rooms joined (rejoined
 *   after a reconnect with `since`, so nothing is missed), and an outbox of posts. Every post
 *   carries a `cid`; one whose ack did not arrive is sent again with the same cid after a
 *   reconnect, and the server stores it exactly once.
 * Timers and the WebSocket constructor can be replaced (options.clock, options.WebSocket), which
 * is how the unit tests drive it without a network or real time.
 */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module && module.exports) module.exports = api;
  root.Sori = api;
}(typeof globalThis !== 'undefined' ? globalThis : this, () => {
  'use strict';

  const GENERAL = 'general';
  const DEFAULTS = {
    backoffMinMs: 500,
    backoffMaxMs: 10_000,
    connectTimeoutMs: 10_000, // a socket stuck opening is abandoned after this long
    stableMs: 10_000, // only a connection that lasted this long resets the backoff
    idlePingMs: 20_000, // after this long without a frame, ping
    pingTimeoutMs: 10_000, // and without an answer this long later, reconnect
    requestTimeoutMs: 15_000,
  };

  const realClock = {
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (id) => clearTimeout(id),
  };

  class RequestError extends Error {
    constructor(code, message) {
      super(message || code);
      this.name = 'RequestError';
      this.code = code;
    }
  }

  /** A refused or failed upload: the server's `code`, the HTTP `status` (0: no answer), `retryAfter` in seconds. */
  class UploadError extends RequestError {
    constructor(code, message, status = 0, retryAfter = undefined) {
      super(code, message);
      this.name = 'UploadError';
      this.status = status;
      this.retryAfter = retryAfter;
    }
  }

  // The code of an HTTP refusal whose body did not say (a proxy's own 413 page, say).
  const CODE_BY_STATUS = { 400: 'invalid_argument', 401: 'forbidden', 403: 'forbidden', 404: 'not_found', 413: 'too_large', 415: 'unsupported', 429: 'rate_limited', 503: 'unavailable' };

  /** Retry-After in seconds: a number of seconds, or an HTTP date; undefined when absent or unreadable. */
  function retryAfterSeconds(header, now = Date.now()) {
    if (header == null || header === '') return undefined;
    const text = String(header).trim();
    if (/^\d+$/.test(text)) return Number(text);
    const at = Date.parse(text);
    return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
  }

  /** The upload URL next to a page URL: `media` relative to it, so it works under a context path. */
  function mediaUrl(base) {
    const url = new URL('media', base);
    url.search = '';
    url.hash = '';
    return url.href;
  }

  /** A small event emitter: on(type, fn) returns a function that removes the listener. */
  class Emitter {
    constructor() {
      this.listeners = new Map();
    }

    on(type, fn) {
      if (!this.listeners.has(type)) this.listeners.set(type, new Set());
      this.listeners.get(type).add(fn);
      return () => this.listeners.get(type)?.delete(fn);
    }

    emit(type, ...args) {
      for (const fn of [...(this.listeners.get(type) || [])]) {
        try {
          fn(...args);
        } catch (e) {
          // One listener's bug must not stop the others, nor the connection.
          setTimeout(() => { throw e; }, 0);
        }
      }
    }
  }

  /**
   * The wait before reconnect attempt `attempt` (0-based): exponential, capped, with "equal
   * jitter" (half fixed, half random), so a restarted server is not hit by every client at once
   * and no client waits much less than the curve says.
   */
  function backoffDelay(attempt, random = Math.random, min = DEFAULTS.backoffMinMs, max = DEFAULTS.backoffMaxMs) {
    const ceiling = Math.min(max, min * 2 ** Math.min(attempt, 30));
    return ceiling / 2 + random() * (ceiling / 2);
  }

  /** The WebSocket URL next to a page URL: `chat` relative to it, ws or wss by its scheme. */
  function chatUrl(base, token) {
    const url = new URL('chat', base);
    url.protocol = url.protocol === 'https:' || url.protocol === 'wss:' ? 'wss:' : 'ws:';
    url.search = token ? `?token=${encodeURIComponent(token)}` : '';
    url.hash = '';
    return url.href;
  }

  /**
   * One WebSocket at a time, reconnected with backoff until close(). Events:
   * `connecting`, `open`, `frame` (a parsed JSON object), `down` ({ due: when the next attempt is
   * due, attempt }), `closed` (after close()).
   */
  class Connection extends Emitter {
    constructor(url, options = {}) {
      super();
      this.url = url; // a string, or a function returning one (it may carry a fresh token)
      this.o = { ...DEFAULTS, ...options };
      this.clock = options.clock || realClock;
      this.random = options.random || Math.random;
      this.WebSocket = options.WebSocket || globalThis.WebSocket;
      this.socket = null;
      this.open = false;
      this.attempt = 0;
      this.openedAt = 0;
      this.retryTimer = null;
      this.dueAt = 0;
      this.beatTimer = null;
      this.lastHeard = 0;
      this.pingSent = false;
      this.stopped = true;
    }

    start() {
      this.stopped = false;
      if (!this.socket && !this.retryTimer) this.connect();
    }

    /** Reconnects now instead of sitting out the backoff (a no-op while a socket exists). */
    retryNow() {
      if (this.stopped || this.socket) return;
      this.connect();
    }

    close() {
      this.stopped = true;
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      const socket = this.socket;
      if (socket) {
        this.socket = null;
        this.teardown();
        try { socket.close(1000); } catch { /* already closing */ }
      }
      this.emit('closed');
    }

    /**
     * Sends one envelope; false when there is no open socket. A socket that is closing (the
     * server or a proxy has begun to close it, its close event not yet here) counts as closed:
     * the browser would drop the frame and log an error.
     */
    send(frame) {
      if (!this.open || !this.socket || this.socket.readyState !== 1) return false;
      this.socket.send(JSON.stringify(frame));
      return true;
    }

    connect() {
      this.clock.clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.dueAt = 0;
      const url = typeof this.url === 'function' ? this.url() : this.url;
      const socket = new this.WebSocket(url);
      this.socket = socket;
      this.emit('connecting');
      const giveUp = this.clock.setTimeout(() => this.drop(socket), this.o.connectTimeoutMs);
      socket.addEventListener('open', () => {
        this.clock.clearTimeout(giveUp);
        if (this.socket !== socket) return;
        this.open = true;
        this.openedAt = this.clock.now();
        this.lastHeard = this.openedAt;
        this.pingSent = false;
        this.beat();
        this.emit('open');
      });
      socket.addEventListener('message', (event) => {
        if (this.socket !== socket) return;
        this.lastHeard = this.clock.now();
        this.pingSent = false;
        let frame;
        try {
          frame = JSON.parse(event.data);
        } catch {
          return; // the server only sends JSON
        }
        if (frame && typeof frame === 'object') this.emit('frame', frame);
      });
      socket.addEventListener('close', () => {
        this.clock.clearTimeout(giveUp);
        if (this.socket === socket) this.lost();
      });
    }

    /** Abandons a socket that stopped answering; its own close event may come much later. */
    drop(socket) {
      if (this.socket !== socket) return;
      try { socket.close(); } catch { /* never opened */ }
      this.lost();
    }

    teardown() {
      this.open = false;
      this.clock.clearTimeout(this.beatTimer);
      this.beatTimer = null;
    }

    lost() {
      // A server that welcomes and closes at once (overloaded, refusing us) must not be hammered.
      if (this.openedAt && this.clock.now() - this.openedAt >= this.o.stableMs) this.attempt = 0;
      this.openedAt = 0;
      this.socket = null;
      this.teardown();
      if (this.stopped) return;
      const delay = backoffDelay(this.attempt, this.random, this.o.backoffMinMs, this.o.backoffMaxMs);
      this.attempt += 1;
      this.dueAt = this.clock.now() + delay;
      this.retryTimer = this.clock.setTimeout(() => this.connect(), delay);
      this.emit('down', { due: this.dueAt, attempt: this.attempt });
    }

    /** The heartbeat: a browser cannot see a half-open connection, an unanswered ping can. */
    beat() {
      const socket = this.socket;
      const check = () => {
        if (this.socket !== socket || !this.open) return;
        const quiet = this.clock.now() - this.lastHeard;
        if (this.pingSent && quiet >= this.o.idlePingMs + this.o.pingTimeoutMs) {
          this.drop(socket);
          return;
        }
        if (!this.pingSent && quiet >= this.o.idlePingMs) {
          this.pingSent = true;
          this.send({ type: 'ping', id: `ping-${this.clock.now()}` });
        }
        const next = this.pingSent ? this.lastHeard + this.o.idlePingMs + this.o.pingTimeoutMs : this.lastHeard + this.o.idlePingMs;
        this.beatTimer = this.clock.setTimeout(check, Math.max(50, next - this.clock.now()));
      };
      this.clock.clearTimeout(this.beatTimer);
      this.beatTimer = this.clock.setTimeout(check, this.o.idlePingMs);
    }
  }

  /**
   * Requests over a Connection: request(type, payload) resolves with the ack's payload or rejects
   * with a RequestError (the server's code, `timeout`, or `disconnected`). handle(frame) routes a
   * reply and says whether it was one.
   */
  class Requests {
    constructor(connection, options = {}) {
      this.connection = connection;
      this.clock = options.clock || realClock;
      this.timeoutMs = options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs;
      this.nextId = 1;
      this.pending = new Map(); // id -> { resolve, reject, timer }
    }

    newId() {
      return `r${this.nextId++}`;
    }

    request(type, payload, { timeoutMs = this.timeoutMs } = {}) {
      const id = this.newId();
      const frame = payload === undefined ? { type, id } : { type, payload, id };
      return new Promise((resolve, reject) => {
        if (!this.connection.send(frame)) {
          reject(new RequestError('disconnected'));
          return;
        }
        const timer = this.clock.setTimeout(() => {
          this.pending.delete(id);
          reject(new RequestError('timeout', `no answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        this.pending.set(id, { resolve, reject, timer });
      });
    }

    /** Routes an `ack` or `error` carrying the id of a request of ours; false for anything else. */
    handle(frame) {
      if ((frame.type !== 'ack' && frame.type !== 'error') || typeof frame.id !== 'string') return false;
      const pending = this.pending.get(frame.id);
      if (!pending) return frame.id.startsWith('ping-') || frame.id.startsWith('r');
      this.pending.delete(frame.id);
      this.clock.clearTimeout(pending.timer);
      const payload = frame.payload ?? {};
      if (frame.type === 'ack') pending.resolve(payload);
      else pending.reject(new RequestError(payload.code || 'internal', payload.message));
      return true;
    }

    /** The connection dropped: nothing in flight will be answered. */
    failAll() {
      const inFlight = [...this.pending.values()];
      this.pending.clear();
      for (const pending of inFlight) {
        this.clock.clearTimeout(pending.timer);
        pending.reject(new RequestError('disconnected'));
      }
    }
  }

  // A cid must be unique per identity for a day, across tabs and reloads: random per client.
  // getRandomValues, unlike randomUUID, works on a page served over plain http.
  function randomPrefix() {
    const bytes = new Uint8Array(9);
    if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(bytes);
    else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  /**
   * A chat client. Events: `state` ({ state: 'connecting' | 'online' | 'offline', due? }),
   * `welcome`, `message`, `system`, `typing`, `room_created`, `room_updated`, `room_removed`,
   * `kicked` ({ room, by, banned? }: this identity was removed from a room; it is no longer
   * joined nor rejoined), `message_deleted` ({ room, seq }),
   * `rejoin` ({ room, ack, since }) and `rejoin_failed` ({ room, error }) after a reconnect,
   * `outbox` (a post changed: { cid, room, text, state: 'sending' | 'sent' | 'failed', seq, error }),
   * `error` (an error frame that answers no request), and `frame` for every frame.
   */
  class Client extends Emitter {
    constructor(options = {}) {
      super();
      this.options = options;
      this.token = options.token || null;
      const base = options.url || (typeof location !== 'undefined' ? location.href : undefined);
      this.base = base;
      this.XMLHttpRequest = options.XMLHttpRequest || globalThis.XMLHttpRequest;
      this.connection = new Connection(() => chatUrl(base, this.token), options);
      this.requests = new Requests(this.connection, options);
      this.me = null; // the welcome: { uid, nick, color, … }
      this.limits = { maxMessageChars: 2000, maxNickChars: 32 };
      this.online = false;
      this.joined = new Set(); // rooms this connection is in, as far as we know
      this.wanted = new Map(); // room -> { password, since }: rejoined after a reconnect
      this.outbox = new Map(); // cid -> post, oldest first
      this.cidPrefix = options.cidPrefix || randomPrefix();
      this.nextCid = 1;
      this.connection.on('connecting', () => this.emit('state', { state: 'connecting' }));
      this.connection.on('frame', (frame) => this.receive(frame));
      this.connection.on('down', ({ due }) => this.down(due));
    }

    connect() {
      this.connection.start();
      return this;
    }

    close() {
      this.connection.close();
      this.online = false;
      this.requests.failAll();
    }

    retryNow() {
      this.connection.retryNow();
    }

    request(type, payload, options) {
      return this.requests.request(type, payload, options);
    }

    /** Joins a room (and rejoins it after every reconnect, recovering what was missed). */
    async join(room, { password, since } = {}) {
      const payload = { room };
      if (password) payload.password = password;
      if (Number.isInteger(since)) payload.since = since;
      const ack = await this.request('join', payload);
      this.entered(ack, password);
      return ack;
    }

    /** Creates a room (and joins it). */
    async createRoom(options) {
      const ack = await this.request('create_room', options);
      this.entered(ack, options.password);
      return ack;
    }

    /** Stops rejoining a room after reconnects, without leaving it now. */
    forget(room) {
      this.wanted.delete(room);
    }

    /** Moderation (a room's owner; deleteMessage also a message's author): each resolves with the ack. */
    kick(room, uid) {
      return this.request('kick', { room, uid });
    }

    ban(room, uid) {
      return this.request('ban', { room, uid });
    }

    unban(room, uid) {
      return this.request('unban', { room, uid });
    }

    deleteMessage(room, seq) {
      return this.request('delete_message', { room, seq });
    }

    async leave(room) {
      this.wanted.delete(room);
      if (room !== GENERAL) this.joined.delete(room);
      return this.request('leave', { room });
    }

    entered(ack, password) {
      const room = ack.room;
      this.joined.add(room);
      const since = this.newestIn(ack.history, this.wanted.get(room)?.since);
      this.wanted.set(room, { password, since });
      this.settleFrom(ack.history);
      this.flush();
    }

    newestIn(messages, since) {
      let newest = Number.isInteger(since) ? since : 0;
      for (const m of Array.isArray(messages) ? messages : []) if (Number.isInteger(m?.seq) && m.seq > newest) newest = m.seq;
      return newest || undefined;
    }

    newCid() {
      return `${this.cidPrefix}-${this.nextCid++}`;
    }

    /**
     * Posts `text` to `room` through the outbox: sent now if the room is joined, otherwise as
     * soon as it is; sent again with the same cid after a reconnect until acked. Resolves with
     * the ack ({ room, seq, cid, duplicate? }); rejects if the server refuses it (the post then
     * stays in the outbox as `failed` until retry(cid) or discard(cid)).
     * `extra.media`: an image to post with `text` as its caption (which may then be empty): what
     * upload() resolved with, or its id. The frame carries the id; `outbox` events the object.
     */
    post(room, text, extra = {}) {
      const cid = extra.cid || this.newCid();
      const { media, ...rest } = extra;
      const wire = media && typeof media === 'object' ? { ...rest, media: media.id } : media ? { ...rest, media } : rest;
      const post = { cid, room, text, extra: wire, media: media || undefined, state: 'sending', seq: undefined, error: null, attempt: null };
      const promise = new Promise((resolve, reject) => {
        post.resolve = resolve;
        post.reject = reject;
      });
      promise.catch(() => {}); // a caller that only listens to `outbox` events
      this.outbox.set(cid, post);
      this.changed(post);
      this.flush();
      return Object.assign(promise, { cid });
    }

    /** Sends a failed post again, with its cid: if it was stored after all, it is not stored twice. */
    retry(cid) {
      const post = this.outbox.get(cid);
      if (!post) return Promise.reject(new RequestError('not_found'));
      const promise = new Promise((resolve, reject) => {
        post.resolve = resolve;
        post.reject = reject;
      });
      promise.catch(() => {});
      post.state = 'sending';
      post.error = null;
      this.changed(post);
      this.flush();
      return promise;
    }

    discard(cid) {
      const post = this.outbox.get(cid);
      if (!post) return;
      this.outbox.delete(cid);
      post.reject(new RequestError('discarded'));
    }

    changed(post) {
      const { cid, room, text, media, state, seq, error } = post;
      this.emit('outbox', media === undefined ? { cid, room, text, state, seq, error } : { cid, room, text, media, state, seq, error });
    }

    /**
     * Uploads an image (a File or Blob) with `POST media` next to the page, authenticated by the
     * identity token; resolves with the server's media object ({ id, type, width, height, bytes,
     * url }) to post with post(room, caption, { media }). Rejects with an UploadError: the
     * server's `code` (`too_large`, `unsupported`, `invalid_argument`, `forbidden`,
     * `rate_limited` with `retryAfter` seconds…), `network` when no answer came, `aborted`.
     * XMLHttpRequest, not fetch: only it reports how much of the body has gone
     * (`onProgress({ loaded, total })`). The promise has abort().
     */
    upload(file, { onProgress } = {}) {
      const xhr = new this.XMLHttpRequest();
      const promise = new Promise((resolve, reject) => {
        xhr.open('POST', mediaUrl(this.base));
        if (this.token) xhr.setRequestHeader('Authorization', `Bearer ${this.token}`);
        if (file && file.type) xhr.setRequestHeader('Content-Type', file.type);
        if (onProgress && xhr.upload) {
          xhr.upload.addEventListener('progress', (event) => {
            onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : (file?.size || 0) });
          });
        }
        xhr.addEventListener('load', () => {
          let body = null;
          try {
            body = JSON.parse(xhr.responseText);
          } catch {
            body = null; // a proxy's HTML error page, say
          }
          if (xhr.status >= 200 && xhr.status < 300 && body && typeof body.id === 'string') {
            resolve(body);
            return;
          }
          const code = (body && typeof body.code === 'string' && body.code) || CODE_BY_STATUS[xhr.status] || 'internal';
          const retryAfter = retryAfterSeconds(xhr.getResponseHeader('Retry-After'));
          reject(new UploadError(code, body?.message || `upload refused with HTTP ${xhr.status}`, xhr.status, retryAfter));
        });
        xhr.addEventListener('error', () => reject(new UploadError('network', 'the upload got no answer')));
        xhr.addEventListener('abort', () => reject(new UploadError('aborted', 'the upload was cancelled')));
        xhr.send(file);
      });
      return Object.assign(promise, { abort: () => xhr.abort() });
    }

    /** Where to fetch an uploaded image from: its `url` (relative to the Sori page) made absolute. */
    mediaSrc(media) {
      return new URL(media.url, this.base).href;
    }

    /** Sends what waits in the outbox for a room this connection is in. */
    flush() {
      if (!this.online) return;
      for (const post of this.outbox.values()) {
        if (post.state !== 'sending' || post.attempt || !this.joined.has(post.room)) continue;
        this.send(post);
      }
    }

    send(post) {
      const attempt = {};
      post.attempt = attempt;
      const payload = { ...post.extra, text: post.text, room: post.room, cid: post.cid };
      this.requests.request('new_message', payload).then((ack) => {
        this.delivered(post.cid, ack?.seq, ack);
      }, (e) => {
        if (post.attempt !== attempt) return;
        post.attempt = null;
        if (e.code === 'disconnected') return; // sent again after the reconnect
        if (this.outbox.get(post.cid) !== post) return;
        post.state = 'failed';
        post.error = e;
        this.changed(post);
        post.reject(e);
      });
    }

    /** A post is stored: its ack came, or the message itself (ours, with its cid) did first. */
    delivered(cid, seq, ack) {
      const post = this.outbox.get(cid);
      if (!post) return;
      this.outbox.delete(cid);
      post.state = 'sent';
      post.seq = seq;
      post.attempt = null;
      this.changed(post);
      post.resolve(ack || { room: post.room, seq, cid });
    }

    /** Messages of ours in a history (a rejoin's, say) are stored: their posts are done. */
    settleFrom(messages) {
      for (const m of Array.isArray(messages) ? messages : []) {
        if (m && typeof m.cid === 'string' && this.outbox.has(m.cid) && this.isMe(m)) this.delivered(m.cid, m.seq);
      }
    }

    isMe(who) {
      if (!this.me) return false;
      if (this.me.uid) return who.uid === this.me.uid;
      return who.nick === this.me.nick && who.color === this.me.color;
    }

    down(due) {
      const wasOnline = this.online;
      this.online = false;
      this.joined.clear();
      for (const post of this.outbox.values()) post.attempt = null;
      this.requests.failAll();
      this.emit('state', { state: 'offline', due, wasOnline });
    }

    receive(frame) {
      if (this.requests.handle(frame)) return;
      const payload = frame.payload ?? {};
      switch (frame.type) {
        case 'welcome':
          this.welcome(payload);
          break;
        case 'message':
          if (typeof payload.cid === 'string' && this.isMe(payload)) this.delivered(payload.cid, payload.seq);
          this.track(payload.room, payload.seq);
          this.emit('message', payload);
          break;
        case 'error':
          this.emit('error', payload);
          break;
        case 'kicked':
          // Out of the room on every tab; rejoining it after a reconnect would only be refused
          // (a ban) or undo the owner's decision (a kick).
          this.joined.delete(payload.room);
          this.wanted.delete(payload.room);
          this.emit('kicked', payload);
          break;
        default:
          this.emit(frame.type, payload);
      }
      this.emit('frame', frame);
    }

    track(room, seq) {
      const wanted = this.wanted.get(room);
      if (wanted && Number.isInteger(seq) && !(wanted.since >= seq)) wanted.since = seq;
    }

    welcome(welcome) {
      if (typeof welcome.token === 'string') this.token = welcome.token;
      this.me = welcome;
      this.limits = { ...this.limits, ...(welcome.limits || {}) };
      this.online = true;
      this.joined = new Set([welcome.room || GENERAL]); // the server puts every connection there
      this.emit('state', { state: 'online' });
      this.emit('welcome', welcome);
      this.flush(); // general's posts need no join
      for (const [room, wanted] of this.wanted) this.rejoin(room, wanted);
    }

    async rejoin(room, wanted) {
      const since = wanted.since;
      let ack;
      try {
        const payload = { room };
        if (wanted.password) payload.password = wanted.password;
        if (Number.isInteger(since)) payload.since = since;
        ack = await this.request('join', payload);
      } catch (error) {
        if (error.code === 'disconnected') return; // the next welcome tries again
        if (this.wanted.get(room) === wanted) this.wanted.delete(room);
        this.emit('rejoin_failed', { room, error });
        return;
      }
      if (this.wanted.get(room) !== wanted) {
        // Left while the rejoin was on its way: do not stay.
        if (room !== GENERAL && !this.wanted.has(room)) this.request('leave', { room }).catch(() => {});
        return;
      }
      this.joined.add(room);
      wanted.since = this.newestIn(ack.history, since);
      this.settleFrom(ack.history);
      this.emit('rejoin', { room, ack, since });
      this.flush();
    }

    /** Asks the server to send `typing` to the others; no answer is expected. */
    typing(room) {
      return this.connection.send({ type: 'typing', payload: { room } });
    }
  }

  /** Creates a client and connects it. */
  function connect(options) {
    return new Client(options).connect();
  }

  return { connect, Client, Connection, Requests, RequestError, UploadError, Emitter, backoffDelay, chatUrl, mediaUrl, retryAfterSeconds, GENERAL };
}));
