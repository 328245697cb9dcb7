// The page's model: what it knows about rooms, messages, people and typing, without the DOM, the
// socket or timers (time is passed in), so that node --test checks it (src/test/node/model.test.mjs).
//
// People are told apart by `uid`, never by nickname: two people may share a name (and even a
// colour), and one person may have several tabs open (several connections, one uid). Only a
// server that sends no uids (before protocol 1.1) leaves nickname and colour to go by.

export const GENERAL = 'general';
export const TYPING_SHOWN_MS = 4_000;

export function memberKey(nick, color) {
  return `${nick}\u0000${color}`;
}

/** Who a frame is about, as a map key: its `uid`; from a server without uids, nickname and colour. */
export function personKey(who) {
  return typeof who.uid === 'string' ? `uid:${who.uid}` : memberKey(who.nick, who.color);
}

/** Whether `who` (a message, event, member) is `me` (the welcome). */
export function isMe(me, who) {
  if (!me || !who) return false;
  if (me.uid) return who.uid === me.uid;
  return who.nick === me.nick && who.color === me.color;
}

/** What the page shows as a room's size: people; connections only from a server that does not count people. */
export function headcount(info) {
  return Number.isInteger(info?.people) ? info.people : info?.count;
}

/** The people a join or leave names: one, or several in a coalesced frame (`uids`, `colors` in the order of `nicks`). */
export function peopleIn(event) {
  if (!Array.isArray(event.nicks)) return [event];
  return event.nicks.map((nick, i) => ({ uid: event.uids?.[i], nick, color: event.colors?.[i] }));
}

// ---- moderation (protocol 1.1): who may use which tool, and what a deletion leaves ----------

/**
 * Whether `me` owns the room described by `info` (a room-info): its `ownerUid`. `general` has no
 * owner; a server that sends no `ownerUid` gives the page no owner tools.
 */
export function ownsRoom(me, info) {
  return !!me?.uid && !!info && info.room !== GENERAL && typeof info.ownerUid === 'string' && info.ownerUid === me.uid;
}

/** Whether `me` may kick or ban `member` of the room `info`: its owner, never themselves. */
export function mayRemove(me, info, member) {
  return ownsRoom(me, info) && typeof member?.uid === 'string' && member.uid !== me.uid;
}

/** Whether `me` may delete `message` of the room `info`: its author (general too), or the room's owner. */
export function mayDelete(me, info, message) {
  if (!message || message.deleted || !Number.isInteger(message.seq)) return false;
  return (!!me?.uid && message.uid === me.uid) || ownsRoom(me, info);
}

/** A deleted message as history shows it: in its place, no text, no image. */
export function tombstone(message) {
  const { media, ...rest } = message;
  return { ...rest, text: '', deleted: true };
}

/** Whether a join's `forbidden` means a ban rather than a missing or wrong password. */
export function isBan(error, info) {
  if (error?.code !== 'forbidden') return false;
  if (/\bbanned\b/i.test(error.message || '')) return true;
  return !!info && info.locked === false; // an open room has no password to ask for
}

/** The members of a room, one entry per person with the number of their connections. */
export class Members {
  constructor() {
    this.byKey = new Map(); // personKey -> { uid, nick, color, n }
  }

  /** The join ack lists connections: a person with two tabs comes twice, with one uid. */
  set(members) {
    this.byKey.clear();
    for (const member of Array.isArray(members) ? members : []) this.add(member);
  }

  add(who) {
    const key = personKey(who);
    const member = this.byKey.get(key);
    if (member) member.n += 1;
    else this.byKey.set(key, { uid: who.uid, nick: String(who.nick ?? ''), color: who.color, n: 1 });
  }

  remove(who) {
    const key = personKey(who);
    const member = this.byKey.get(key);
    if (!member) return;
    member.n -= 1;
    if (member.n <= 0) this.byKey.delete(key);
  }

  /** A rename applies to every connection of that identity. Returns the key the person had. */
  rename(event) {
    const key = event.uid ? personKey(event) : memberKey(event.old, event.color);
    const old = this.byKey.get(key);
    if (old && event.uid) {
      old.nick = String(event.nick ?? '');
    } else if (old) {
      this.byKey.delete(key);
      const existing = this.byKey.get(memberKey(event.nick, event.color));
      if (existing) existing.n += old.n;
      else this.byKey.set(memberKey(event.nick, event.color), { ...old, nick: String(event.nick ?? '') });
    }
    return key;
  }

  /**
   * Applies a `system` event. `skipOwnJoin`: our own join, already in the ack's list, may still
   * be on its way; it is not counted twice. Returns whether the list changed.
   */
  apply(event, { me, skipOwnJoin = false } = {}) {
    let skip = skipOwnJoin;
    const presence = (kind, who) => {
      if (kind === 'join' && skip && isMe(me, who)) skip = false;
      else if (kind === 'join') this.add(who);
      else if (kind === 'leave' || kind === 'kick' || kind === 'ban') this.remove(who);
    };
    if (Array.isArray(event.nicks)) {
      // Without `uids` (or `colors`, from an older Sori) for every name the list cannot be kept exact.
      const complete = (list) => Array.isArray(list) && list.length === event.nicks.length;
      if (!complete(event.uids) && !complete(event.colors)) return { changed: false, skipOwnJoin: skip };
      for (const who of peopleIn(event)) presence(event.kind, who);
    } else if (['join', 'leave', 'kick', 'ban'].includes(event.kind)) {
      presence(event.kind, event);
    } else if (event.kind === 'nick') {
      this.rename(event);
    } else {
      return { changed: false, skipOwnJoin: skip };
    }
    return { changed: true, skipOwnJoin: skip };
  }

  get people() {
    return this.byKey.size;
  }

  get connections() {
    let n = 0;
    for (const m of this.byKey.values()) n += m.n;
    return n;
  }

  /** Me first, then the owner, then by name. */
  sorted(me, owner, compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0)) {
    const rank = (m) => (isMe(me, m) ? 0 : owner && m.nick === owner ? 1 : 2);
    return [...this.byKey.values()].sort((a, b) => rank(a) - rank(b) || compare(a.nick, b.nick));
  }
}

/** Who is typing in a room, each until TYPING_SHOWN_MS after their last `typing`. */
export class Typers {
  constructor() {
    this.byKey = new Map(); // personKey -> { nick, color, until }
  }

  note(event, now) {
    this.byKey.set(personKey(event), { nick: String(event.nick ?? ''), color: event.color, until: now + TYPING_SHOWN_MS });
  }

  stop(who) {
    return this.byKey.delete(typeof who === 'string' ? who : personKey(who));
  }

  clear() {
    this.byKey.clear();
  }

  /** The names typing at `now`, dropping those whose time is up. */
  names(now) {
    for (const [key, typer] of this.byKey) if (typer.until <= now) this.byKey.delete(key);
    return [...this.byKey.values()].map((typer) => typer.nick);
  }

  /** When the next one stops showing, or null. */
  nextExpiry() {
    let next = null;
    for (const typer of this.byKey.values()) if (next === null || typer.until < next) next = typer.until;
    return next;
  }
}

/** A room's messages by `seq`: each shown once, whatever order and however often they arrive. */
export class Timeline {
  constructor() {
    this.bySeq = new Map(); // seq -> whatever the view keeps for it
    this.newest = 0;
  }

  has(seq) {
    return this.bySeq.has(seq);
  }

  /** Records a message; false when it is a duplicate or has no valid seq. */
  add(message, item = message) {
    if (!message || !Number.isInteger(message.seq) || message.seq < 1 || this.bySeq.has(message.seq)) return false;
    this.bySeq.set(message.seq, item);
    if (message.seq > this.newest) this.newest = message.seq;
    return true;
  }

  forget(seq) {
    this.bySeq.delete(seq);
  }

  get(seq) {
    return this.bySeq.get(seq);
  }

  clear() {
    this.bySeq.clear();
    this.newest = 0;
  }
}

/** Unread messages per room: counted for every room but the one on screen, not our own. */
export class Unread {
  constructor() {
    this.byRoom = new Map();
  }

  /** Counts `message` unless it is ours or its room is the one being read. Returns whether it counted. */
  note(message, { me, active }) {
    if (!message || message.room === active || isMe(me, message)) return false;
    this.byRoom.set(message.room, (this.byRoom.get(message.room) || 0) + 1);
    return true;
  }

  read(room) {
    this.byRoom.delete(room);
  }

  of(room) {
    return this.byRoom.get(room) || 0;
  }

  get total() {
    let n = 0;
    for (const v of this.byRoom.values()) n += v;
    return n;
  }
}

/** The lobby: every room's info, general first, then by title. */
export class Lobby {
  constructor() {
    this.rooms = new Map();
    this.loaded = false;
  }

  setAll(rooms) {
    this.rooms = new Map();
    for (const info of Array.isArray(rooms) ? rooms : []) if (info && typeof info.room === 'string') this.rooms.set(info.room, info);
    this.loaded = true;
  }

  update(info) {
    if (!info || typeof info.room !== 'string') return false;
    this.rooms.set(info.room, { ...this.rooms.get(info.room), ...info });
    return true;
  }

  /** A system event's counts, for the room it happened in. */
  counts(event) {
    const info = this.rooms.get(event.room);
    if (!info || !Number.isInteger(event.count)) return;
    info.count = event.count;
    if (Number.isInteger(event.people)) info.people = event.people;
  }

  remove(room) {
    return this.rooms.delete(room);
  }

  get(room) {
    return this.rooms.get(room);
  }

  has(room) {
    return this.rooms.has(room);
  }

  sorted(compare = (a, b) => (a < b ? -1 : a > b ? 1 : 0)) {
    return [...this.rooms.values()].sort((a, b) => {
      if (a.room === GENERAL || b.room === GENERAL) return a.room === GENERAL ? -1 : 1;
      return compare(a.title ?? '', b.title ?? '') || (a.room < b.room ? -1 : 1);
    });
  }

  /** Whether a room has no place left: the capacity counts connections (two tabs take two). */
  isFull(room) {
    const info = this.rooms.get(room);
    return !!info && Number.isInteger(info.max) && Number.isInteger(info.count) && info.count >= info.max;
  }
}
