// The page's words in English and Korean. The language follows the browser, as the
// protocol asks: anything starting with "ko" is Korean, everything else English.

export const lang = (navigator.language || 'en').toLowerCase().startsWith('ko') ? 'ko' : 'en';

// A coalesced join/leave can carry up to hundreds of names; past this many we summarise.
const MAX_NAMES = 3;

const listFormat = new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' });

function names(nicks) {
  if (nicks.length <= MAX_NAMES) return listFormat.format(nicks);
  const rest = nicks.length - MAX_NAMES;
  return `${nicks.slice(0, MAX_NAMES).join(', ')} and ${rest} ${rest === 1 ? 'other' : 'others'}`;
}

const en = {
  title: 'Sori',
  online: (n) => `${n} online`,
  nickLabel: 'Nickname',
  nickSave: 'Change',
  messageLabel: 'Message',
  messagePlaceholder: 'Message #general',
  send: 'Send',
  messagesLabel: 'Messages in #general',
  connecting: 'Connecting…',
  offline: 'Offline',
  cantConnect: 'Cannot reach the chat server. Retrying…',
  reconnecting: 'Connection lost. Reconnecting…',
  reconnectingIn: (s) => `Connection lost. Reconnecting in ${s}s…`,
  retryNow: 'Retry now',
  reconnected: 'Reconnected',
  you: 'you',
  newMessages: 'New messages',
  join: (e) => `${e.nicks ? names(e.nicks) : e.nick} joined [now ${e.count}]`,
  leave: (e) => `${e.nicks ? names(e.nicks) : e.nick} left [now ${e.count}]`,
  nick: (e) => `${e.old} is now ${e.nick}`,
  notConnected: 'You are offline. Your message is still in the box.',
  unconfirmed: 'The connection dropped before your message was confirmed. It is back in the box.',
  charsLeft: (n) => `${n} left`,
  errors: {
    rate_limited: 'You are sending too fast. Wait a moment.',
    too_large: 'That is too long to send.',
    unavailable: 'The server is busy. Try again in a moment.',
  },
  nickInvalid: null, // the server's message says exactly what is wrong
  // English readers get the server's own explanation, which says exactly what was wrong.
  error: (code, message) => en.errors[code] || capitalise(message) || 'Something went wrong.',
};

const ko = {
  title: 'Sori',
  online: (n) => `${n}명 접속 중`,
  nickLabel: '닉네임',
  nickSave: '변경',
  messageLabel: '메시지',
  messagePlaceholder: '#general에 메시지 보내기',
  send: '보내기',
  messagesLabel: '#general 메시지',
  connecting: '연결 중…',
  offline: '연결 끊김',
  cantConnect: '채팅 서버에 연결할 수 없습니다. 다시 시도하는 중…',
  reconnecting: '연결이 끊어졌습니다. 다시 연결하는 중…',
  reconnectingIn: (s) => `연결이 끊어졌습니다. ${s}초 후 다시 연결합니다…`,
  retryNow: '지금 다시 연결',
  reconnected: '다시 연결되었습니다',
  you: '나',
  newMessages: '새 메시지',
  join: (e) => e.nicks
    ? `새로운 유저 ${e.nicks.length}명 접속 [현재: ${e.count}명]`
    : `새로운 유저 접속 [현재: ${e.count}명]`,
  leave: (e) => e.nicks
    ? `유저 ${e.nicks.length}명 연결 해제 [현재: ${e.count}명]`
    : `유저 연결 해제 [현재: ${e.count}명]`,
  nick: (e) => `${e.old} 님이 닉네임을 ${e.nick}(으)로 바꿨습니다`,
  notConnected: '연결되지 않았습니다. 메시지는 입력창에 남아 있습니다.',
  unconfirmed: '메시지가 확인되기 전에 연결이 끊어졌습니다. 입력창에 다시 넣어 두었습니다.',
  charsLeft: (n) => `${n}자 남음`,
  errors: {
    invalid_argument: '보낼 수 없는 내용입니다.',
    rate_limited: '메시지를 너무 빨리 보내고 있습니다. 잠시 후 다시 시도하세요.',
    too_large: '너무 길어서 보낼 수 없습니다.',
    unavailable: '서버가 바쁩니다. 잠시 후 다시 시도하세요.',
  },
  nickInvalid: (max) => `사용할 수 없는 닉네임입니다. 1~${max}자, 제어 문자는 쓸 수 없습니다.`,
  error: (code) => ko.errors[code] || '문제가 발생했습니다.',
};

function capitalise(s) {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : '';
}

export const t = lang === 'ko' ? ko : en;
