// Persistence: what the page keeps in localStorage and the address bar (never a password).
import { TOKEN_KEY, ROOM_KEY, SEEN_KEY, OWNED_KEY, GENERAL, MAX_SEEN_ROOMS, state } from './session.js';

export function load(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch {
    return fallback; // storage disabled or garbled: start afresh, which still works
  }
}

function save(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage disabled or full: the page works without it
  }
}

export function storedToken() {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null; // storage disabled: every visit is a new identity, which still works
  }
}

export function storeToken(token) {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // see storedToken
  }
}

export function loadOwned() {
  const owned = load(OWNED_KEY, []);
  state.owned = new Set(Array.isArray(owned) ? owned.filter((id) => typeof id === 'string') : []);
}

export function saveOwned() {
  save(OWNED_KEY, [...state.owned]);
}

export function loadSeen() {
  const seen = load(SEEN_KEY, {});
  state.seen = seen && typeof seen === 'object' && !Array.isArray(seen) ? seen : {};
}

export function markSeen(room, seq) {
  if (!Number.isInteger(seq)) return;
  delete state.seen[room]; // re-insert: the object's order is the order of use
  state.seen[room] = seq;
  clearTimeout(state.seenTimer);
  state.seenTimer = setTimeout(saveSeen, 1_000);
}

export function saveSeen() {
  clearTimeout(state.seenTimer);
  const rooms = Object.keys(state.seen);
  for (const room of rooms.slice(0, Math.max(0, rooms.length - MAX_SEEN_ROOMS))) delete state.seen[room];
  save(SEEN_KEY, state.seen);
}

export function roomFromHash() {
  const room = new URLSearchParams(location.hash.slice(1)).get('room');
  return room && /^[\w-]{1,64}$/.test(room) ? room : null;
}

/** Puts the active room in the address (shareable) and in storage (for the next visit). */
export function rememberRoom(room) {
  const url = room === GENERAL ? location.pathname + location.search : `#room=${encodeURIComponent(room)}`;
  if (roomFromHash() !== (room === GENERAL ? null : room)) history.replaceState(history.state, '', url);
  save(ROOM_KEY, room);
}
