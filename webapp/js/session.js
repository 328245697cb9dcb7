// What every part of the page shares: the settings, the DOM elements, the page state, the sori.js
// client (the connection, requests and outbox) and the smallest DOM helpers.
import { lang } from '../i18n.js';
import { Lobby, Members, Timeline, Typers, Unread, isMe as isMeOf } from './model.js';

const Sori = globalThis.Sori; // sori.js, a classic script loaded before the page's modules

export const TOKEN_KEY = 'sori.token';
export const ROOM_KEY = 'sori.room';
export const SEEN_KEY = 'sori.seen';
export const OWNED_KEY = 'sori.owned';
export { GENERAL } from './model.js';
export const PAGE = 50;
export const MAX_SEEN_ROOMS = 100;

// Consecutive messages of one author closer than this share a single name header.
export const GROUP_MS = 5 * 60_000;
export const NEAR_BOTTOM_PX = 80;
// Older messages are asked for when the reader scrolls this close to the top.
export const NEAR_TOP_PX = 150;
// A tab left open for days must not grow without bound; older lines scroll out of memory.
export const MAX_ITEMS = 1000;
export const COUNTER_FROM = 200;
export const TYPING_EVERY_MS = 2_500;
export const TOAST_MS = 7_000;
export const RETRY_JOIN_MS = 3_000;

const $ = (id) => document.getElementById(id);
export const ui = {
  app: $('app'),
  sidebar: $('sidebar'),
  sidebarClose: $('sidebar-close'),
  scrim: $('scrim'),
  menu: $('menu'),
  menuDot: $('menu-dot'),
  rooms: $('rooms'),
  roomsLoading: $('rooms-loading'),
  newRoom: $('new-room'),
  newRoomSmall: $('new-room-small'),
  roomTitle: $('room-title'),
  roomLock: $('room-lock'),
  presence: $('presence'),
  count: $('count'),
  leave: $('leave'),
  copyLink: $('copy-link'),
  notify: $('notify'),
  del: $('delete'),
  membersToggle: $('members-toggle'),
  membersBtnCount: $('members-btn-count'),
  members: $('members'),
  membersClose: $('members-close'),
  memberList: $('member-list'),
  membersCount: $('members-count'),
  membersNote: $('members-note'),
  nickForm: $('nick-form'),
  nick: $('nick'),
  nickError: $('nick-error'),
  meDot: $('me-dot'),
  banner: $('banner'),
  bannerText: $('banner-text'),
  countdown: $('banner-countdown'),
  retry: $('retry'),
  list: $('messages'),
  lockedState: $('locked-state'),
  lockedEnter: $('locked-enter'),
  lockedBack: $('locked-back'),
  jump: $('jump'),
  typing: $('typing'),
  main: $('main'),
  timeline: $('timeline'),
  dropzone: $('dropzone'),
  composer: $('composer'),
  attach: $('attach'),
  file: $('file'),
  attachment: $('attachment'),
  attachmentThumb: $('attachment-thumb'),
  attachmentName: $('attachment-name'),
  attachmentSize: $('attachment-size'),
  attachmentRemove: $('attachment-remove'),
  progress: $('upload-progress'),
  send: $('send'),
  viewer: $('viewer'),
  viewerImg: $('viewer-img'),
  viewerCaption: $('viewer-caption'),
  viewerClose: $('viewer-close'),
  text: $('text'),
  error: $('composer-error'),
  counter: $('counter'),
  toast: $('toast'),
  toastText: $('toast-text'),
  toastClose: $('toast-close'),
  createDialog: $('create-dialog'),
  createForm: $('create-form'),
  createTitle: $('create-title'),
  createTitleError: $('create-title-error'),
  createMax: $('create-max'),
  createMaxError: $('create-max-error'),
  createPassword: $('create-password'),
  createError: $('create-error'),
  createCancel: $('create-cancel'),
  createSubmit: $('create-submit'),
  passwordDialog: $('password-dialog'),
  passwordForm: $('password-form'),
  passwordRoom: $('password-room'),
  passwordInput: $('password-input'),
  passwordError: $('password-error'),
  passwordCancel: $('password-cancel'),
  passwordSubmit: $('password-submit'),
  confirmDialog: $('confirm-dialog'),
  confirmForm: $('confirm-form'),
  confirmHeading: $('confirm-heading'),
  confirmText: $('confirm-text'),
  confirmError: $('confirm-error'),
  confirmCancel: $('confirm-cancel'),
  confirmSubmit: $('confirm-submit'),
};

export const timeFormat = new Intl.DateTimeFormat(lang, { hour: 'numeric', minute: '2-digit' });
export const fullTimeFormat = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
export const collator = new Intl.Collator(lang, { sensitivity: 'base', numeric: true });
export const narrowRooms = matchMedia('(max-width: 760px)');
export const narrowMembers = matchMedia('(max-width: 1099px)');

let viewGeneration = 0;

/** What is on screen for one room. Replaced as a whole when the page switches rooms. */
export function newView(room, title) {
  return {
    room,
    title,
    gen: ++viewGeneration,
    timeline: new Timeline(), // seq -> <li>, and the newest seq on screen
    members: new Members(), // one per person (uid), with their number of connections
    count: undefined,
    joined: false, // a member on the current connection, with its join ack applied
    synced: false, // has had a join ack since the view was created: later joins pass `since`
    joining: false,
    locked: false, // the last join was refused for want of the right password
    anchor: null, // a join ack's messages go before this element (null: at the top)
    loadingOlder: false,
    atBeginning: false,
    typers: new Typers(),
    // Entering a room (not general, which every connection is already in) announces us with a
    // `join` that is queued behind the ack, while the ack's member list already has us.
    ownJoinPending: false,
    moderates: false, // this identity owns the room: its tools are drawn
  };
}

export const state = {
  connected: false,
  welcomed: false, // at least once: later welcomes are reconnections
  me: null, // { uid, nick, color }
  limits: { maxMessageChars: 2000, maxNickChars: 32 },
  // The image waiting in the composer: { file, url (an object URL for the thumbnail), upload (while it goes) }.
  attachment: null,
  countdownTimer: 0,
  rooms: new Lobby(), // room id -> room-info
  typingTimer: 0,
  roomItems: new Map(), // room id -> <li>
  owned: new Set(),
  seen: {},
  passwords: new Map(), // room id -> password, this page session only
  extra: null, // the room besides general this connection is in
  nav: 0, // bumped by each room switch, so that a slow answer to an old one is recognised
  view: null,
  unread: new Unread(), // per room, for the lobby
  typingSentAt: 0,
  deleting: null, // the room this page asked to delete
  confirm: null, // what the confirmation dialog asks: { submit, busy, action }
  passwordFor: null, // { room, mode: 'enter' | 'view' } while the password dialog is open
  hiddenUnread: 0, // arrived while the tab was hidden, for the tab title
  baseTitle: 'Sori',
  errorTimer: 0,
  stuckToBottom: true, // the reader is at the newest line: keep them there as the list changes
  toastTimer: 0,
  seenTimer: 0,
  retryJoinTimer: 0,
};

// ---- the connection: sori.js does the socket, backoff, heartbeat, requests and the outbox ------

// Relative to the page, so it works at / and under a WAR's context path alike.
// The token is set from storage just before connecting (app.js).
export const client = new Sori.Client({ url: location.href });

export function request(type, payload) {
  return client.request(type, payload);
}

export function retryNow() {
  client.retryNow();
}

export function isMe(who) {
  return isMeOf(state.me, who);
}

// ---- rendering ------------------------------------------------------------------------------

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function icon(symbol, className) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');
  use.setAttribute('href', `#${symbol}`);
  svg.append(use);
  return svg;
}

export function safeColor(color) {
  return /^#[0-9a-f]{6}$/i.test(color) ? color : '#64748b';
}
