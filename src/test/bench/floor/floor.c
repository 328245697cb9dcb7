/*
 * The floor of issue 19: a C chat server that speaks Sori's wire protocol
 * (/work/shared/PROTOCOL.md) and, for each delivery, does one write() and nothing else, so
 * that every benchmark figure can be read as a ratio against it.
 *
 *   gcc -O2 -o target/floor src/test/bench/floor/floor.c
 *   target/floor [--host 127.0.0.1] [--port 8092] [--no-coalesce]      (port 0: any free port)
 *
 * One thread, one epoll loop, non-blocking sockets, no libraries. A room message is encoded
 * once (server frames are unmasked, so every member gets the same bytes) and written to each
 * member with its own write(): no batching of deliveries into one write, no queue, no copy,
 * unless the kernel refuses part of it (then the rest waits in that connection's buffer for
 * EPOLLOUT). It implements what the load generator uses (see README.md) and answers anything
 * else with a protocol `error`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME (64 * 1024)   /* larger client frames: close 1009 */
#define MAX_HEAD 8192           /* an HTTP request head */
#define SLOW_CLIENT_BYTES (1 << 20) /* unsent bytes past which a connection is dropped */
#define MAX_MESSAGE_CHARS 2000
#define COALESCE_ABOVE 100      /* the protocol's figure: bigger rooms may coalesce joins/leaves */
#define MAX_COALESCED 500
#define COALESCE_MS 250

enum { HTTP, OPEN, GONE };

typedef struct conn {
    int fd;
    unsigned char state;
    unsigned char color;
    unsigned char close_after_flush;
    char nick[10];              /* Anon-NNNN */
    int member;                 /* index in room.members, -1 when not in it */
    unsigned char *in;          /* an incomplete request head or frame; NULL most of the time */
    uint32_t in_len, in_cap;
    unsigned char *out;         /* what the kernel did not take yet; NULL most of the time */
    uint32_t out_off, out_len, out_cap;
    struct conn *next_dead;
} conn;

static const char *COLORS[] = {"#2a9d8f", "#e76f51", "#264653", "#8d5a97", "#3d5a80", "#9c6644",
                               "#6a994e", "#bc4749", "#1d7874", "#7b2cbf", "#b5179e", "#4361ee"};

/* The one room, `general`. */
static struct {
    conn **members;
    int count, cap;
    uint64_t seq;
    int pending_kind;           /* 0, or 'j'/'l': joins or leaves being collected */
    int pending_n;
    long long pending_since;    /* monotonic ms */
    char *pending;              /* the collected nicks, as JSON strings separated by commas */
    size_t pending_len, pending_cap;
} room;

static int epfd;
static int coalesce = 1;
static conn *dead;              /* closed connections, reaped between events */
static unsigned long long connections;
static uint64_t rng;
static unsigned char rbuf[MAX_FRAME + 64 * 1024];
/* Frames are built at offset 10 so that the header (2-10 bytes) goes just before the payload. */
static unsigned char bcast[MAX_FRAME + 64 * 1024];
static unsigned char reply[MAX_FRAME + 1024];

static void die(const char *what) { perror(what); exit(1); }

static long long now_ms(clockid_t clock) {
    struct timespec t;
    clock_gettime(clock, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static uint64_t next_random(void) { /* xorshift64*, seeded from /dev/urandom */
    rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}

/* ---- SHA-1 and base64, for the handshake's Sec-WebSocket-Accept ---- */

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20]) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    unsigned char block[64];
    size_t total = ((len + 8) / 64 + 1) * 64;
    for (size_t off = 0; off < total; off += 64) {
        for (int i = 0; i < 64; i++) {
            size_t k = off + i;
            block[i] = k < len ? msg[k] : k == len ? 0x80 : 0;
        }
        if (off + 64 == total) {
            uint64_t bits = (uint64_t)len * 8;
            for (int i = 0; i < 8; i++) block[63 - i] = (unsigned char)(bits >> (8 * i));
        }
        uint32_t w[80];
        for (int i = 0; i < 16; i++)
            w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16
                 | (uint32_t)block[4 * i + 2] << 8 | block[4 * i + 3];
        for (int i = 16; i < 80; i++) w[i] = ROL(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
        for (int i = 0; i < 80; i++) {
            uint32_t f, k;
            if (i < 20) { f = (b & c) | (~b & d); k = 0x5A827999; }
            else if (i < 40) { f = b ^ c ^ d; k = 0x6ED9EBA1; }
            else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8F1BBCDC; }
            else { f = b ^ c ^ d; k = 0xCA62C1D6; }
            uint32_t t = ROL(a, 5) + f + e + k + w[i];
            e = d; d = c; c = ROL(b, 30); b = a; a = t;
        }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
    }
    for (int i = 0; i < 20; i++) out[i] = (unsigned char)(h[i / 4] >> (24 - 8 * (i % 4)));
}

static void base64(const unsigned char *in, size_t len, char *out) {
    static const char T[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
        out[o++] = T[v >> 18 & 63];
        out[o++] = T[v >> 12 & 63];
        out[o++] = i + 1 < len ? T[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? T[v & 63] : '=';
    }
    out[o] = 0;
}

/* ---- sending ---- */

static void kill_conn(conn *c) {
    if (c->state == GONE) return;
    c->state = GONE;
    close(c->fd);               /* also takes it out of the epoll set */
    c->next_dead = dead;
    dead = c;
}

static void want_write(conn *c, int on) {
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static int keep_unsent(conn *c, const unsigned char *p, size_t n) {
    size_t used = c->out_len - c->out_off;
    if (used + n > SLOW_CLIENT_BYTES) return -1;
    if (c->out_off > 0) { /* slide what is left to the front */
        memmove(c->out, c->out + c->out_off, used);
        c->out_off = 0;
        c->out_len = (uint32_t)used;
    }
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 4096;
        while (cap < c->out_len + n) cap *= 2;
        unsigned char *b = realloc(c->out, cap);
        if (!b) return -1;
        c->out = b;
        c->out_cap = (uint32_t)cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += (uint32_t)n;
    return 0;
}

/* One delivery: one write(). Whatever the kernel does not take waits for EPOLLOUT, behind which
 * later frames queue so that order holds. A backlog past 1 MiB drops the connection (the protocol
 * asks for close 1013, but a close frame cannot be put in the middle of a half-written one). */
static void send_bytes(conn *c, const unsigned char *p, size_t n) {
    if (c->state == GONE) return;
    if (c->out_len > c->out_off) {
        if (keep_unsent(c, p, n) < 0) kill_conn(c);
        return;
    }
    ssize_t w;
    do w = write(c->fd, p, n); while (w < 0 && errno == EINTR);
    if (w == (ssize_t)n) return;
    if (w < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK) { kill_conn(c); return; }
        w = 0;
    }
    if (keep_unsent(c, p + w, n - w) < 0) { kill_conn(c); return; }
    want_write(c, 1);
}

static void on_writable(conn *c) {
    while (c->out_len > c->out_off) {
        ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
        if (w < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) kill_conn(c);
            return;
        }
        c->out_off += (uint32_t)w;
    }
    free(c->out); /* the rare case is over: an idle connection holds no buffer */
    c->out = NULL;
    c->out_off = c->out_len = c->out_cap = 0;
    if (c->close_after_flush) { kill_conn(c); return; }
    want_write(c, 0);
}

/* Puts the header in front of the payload at buf+10; returns where the frame starts. */
static unsigned char *frame(unsigned char *buf, int opcode, size_t len, size_t *total) {
    unsigned char *p = buf + 10;
    int h = len < 126 ? 2 : len < 65536 ? 4 : 10;
    unsigned char *f = p - h;
    f[0] = (unsigned char)(0x80 | opcode);
    if (len < 126) f[1] = (unsigned char)len;
    else if (len < 65536) { f[1] = 126; f[2] = (unsigned char)(len >> 8); f[3] = (unsigned char)len; }
    else { f[1] = 127; for (int i = 0; i < 8; i++) f[2 + i] = (unsigned char)((uint64_t)len >> (56 - 8 * i)); }
    *total = h + len;
    return f;
}

/* A text frame of what printf makes, to one connection. */
static void send_json(conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void send_json(conn *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf((char *)reply + 10, sizeof reply - 10, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof reply - 10) return;
    size_t total;
    unsigned char *f = frame(reply, 0x1, (size_t)n, &total);
    send_bytes(c, f, total);
}

static void close_with(conn *c, int code) {
    unsigned char f[4] = {0x88, 2, (unsigned char)(code >> 8), (unsigned char)code};
    send_bytes(c, f, 4);
    if (c->state == GONE) return;
    if (c->out_len > c->out_off) c->close_after_flush = 1;
    else kill_conn(c);
}

/* The frame at bcast (payload from bcast+10, n bytes) to every member: one write() each. */
static void broadcast(size_t n) {
    size_t total;
    unsigned char *f = frame(bcast, 0x1, n, &total);
    for (int i = 0; i < room.count; i++) send_bytes(room.members[i], f, total);
}

static void error_frame(conn *c, const char *id, int idlen, const char *code, const char *message) {
    if (id)
        send_json(c, "{\"type\":\"error\",\"id\":\"%.*s\",\"payload\":{\"code\":\"%s\",\"message\":\"%s\"}}",
                  idlen, id, code, message);
    else
        send_json(c, "{\"type\":\"error\",\"payload\":{\"code\":\"%s\",\"message\":\"%s\"}}", code, message);
}

/* ---- presence ---- */

static void flush_presence(void) {
    if (!room.pending_kind) return;
    int n = snprintf((char *)bcast + 10, sizeof bcast - 10,
                     "{\"type\":\"system\",\"payload\":{\"room\":\"general\",\"kind\":\"%s\",\"nicks\":[%.*s],"
                     "\"count\":%d,\"ts\":%lld}}",
                     room.pending_kind == 'j' ? "join" : "leave", (int)room.pending_len, room.pending,
                     room.count, now_ms(CLOCK_REALTIME));
    room.pending_kind = 0;
    room.pending_n = 0;
    room.pending_len = 0;
    broadcast((size_t)n);
}

/* A join or leave: on its own in a small room; collected for up to 250 ms in a big one, as the
 * protocol allows (else a join storm of N clients costs N²/2 frames). */
static void presence(conn *c, int kind) {
    if (!coalesce || room.count + (kind == 'l') <= COALESCE_ABOVE) {
        flush_presence();
        int n = snprintf((char *)bcast + 10, sizeof bcast - 10,
                         "{\"type\":\"system\",\"payload\":{\"room\":\"general\",\"kind\":\"%s\",\"nick\":\"%s\","
                         "\"color\":\"%s\",\"count\":%d,\"ts\":%lld}}",
                         kind == 'j' ? "join" : "leave", c->nick, COLORS[c->color], room.count,
                         now_ms(CLOCK_REALTIME));
        broadcast((size_t)n);
        return;
    }
    if (room.pending_kind && room.pending_kind != kind) flush_presence();
    if (!room.pending_kind) {
        room.pending_kind = kind;
        room.pending_since = now_ms(CLOCK_MONOTONIC);
    }
    if (room.pending_len + 16 > room.pending_cap) {
        room.pending_cap = room.pending_cap ? room.pending_cap * 2 : 8192;
        room.pending = realloc(room.pending, room.pending_cap);
        if (!room.pending) die("realloc");
    }
    room.pending_len += (size_t)sprintf(room.pending + room.pending_len, "%s\"%s\"",
                                        room.pending_n ? "," : "", c->nick);
    if (++room.pending_n >= MAX_COALESCED) flush_presence();
}

static void join_room(conn *c) {
    if (room.count == room.cap) {
        room.cap = room.cap ? room.cap * 2 : 1024;
        room.members = realloc(room.members, sizeof(conn *) * room.cap);
        if (!room.members) die("realloc");
    }
    c->member = room.count;
    room.members[room.count++] = c;
    presence(c, 'j'); /* to everyone in the room, the newcomer included */
}

static void leave_room(conn *c) {
    if (c->member < 0) return;
    conn *last = room.members[--room.count];
    room.members[c->member] = last;
    last->member = c->member;
    c->member = -1;
    presence(c, 'l');
}

/* Closed connections leave the room here, outside any loop over its members. */
static void reap(void) {
    while (dead) {
        conn *c = dead;
        dead = c->next_dead;
        leave_room(c); /* may kill more: they join the list */
        free(c->in);
        free(c->out);
        free(c);
    }
}

/* ---- JSON, just enough: find the envelope's members, skip anything else ---- */

static const char *ws(const char *p, const char *e) {
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}

static const char *skip_string(const char *p, const char *e) { /* at '"'; returns after the closing one */
    for (p++; p < e; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') return p + 1;
        if (ch < 0x20) return NULL;
        if (ch == '\\' && ++p >= e) return NULL;
    }
    return NULL;
}

static const char *skip_value(const char *p, const char *e, int depth) {
    p = ws(p, e);
    if (p >= e || depth > 64) return NULL;
    if (*p == '"') return skip_string(p, e);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        int object = *p == '{';
        p = ws(p + 1, e);
        if (p < e && *p == close) return p + 1;
        for (;;) {
            if (object) {
                if (p >= e || *p != '"' || !(p = skip_string(p, e))) return NULL;
                p = ws(p, e);
                if (p >= e || *p != ':') return NULL;
                p++;
            }
            if (!(p = skip_value(p, e, depth + 1))) return NULL;
            p = ws(p, e);
            if (p < e && *p == ',') { p = ws(p + 1, e); continue; }
            if (p < e && *p == close) return p + 1;
            return NULL;
        }
    }
    const char *s = p;
    while (p < e && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z'))) p++;
    size_t n = (size_t)(p - s);
    if (n == 0) return NULL;
    if ((n == 4 && !memcmp(s, "true", 4)) || (n == 5 && !memcmp(s, "false", 5)) || (n == 4 && !memcmp(s, "null", 4)))
        return p;
    return (*s == '-' || (*s >= '0' && *s <= '9')) ? p : NULL;
}

typedef struct { const char *p; int n; } span; /* a string's raw contents (escapes kept), or a value */

/* Finds the string members `a` and `b` (and, if `pay` is given, the value of "payload") of the
 * object at [p, e). Returns 0, or -1 when it is not JSON, -2 when it is JSON but not an object or
 * a member has the wrong kind. */
static int members(const char *p, const char *e, const char *a, span *va, const char *b, span *vb, span *pay) {
    const char *end = skip_value(p, e, 0);
    if (!end || ws(end, e) != e) return -1;
    p = ws(p, e);
    if (*p != '{') return -2;
    p = ws(p + 1, e);
    while (p < end && *p == '"') {
        const char *k = p + 1;
        p = skip_string(p, e);
        int klen = (int)(p - 1 - k);
        p = ws(p, e) + 1;
        p = ws(p, e);
        const char *v = p;
        p = skip_value(p, e, 0);
        span *want = NULL;
        if (klen == (int)strlen(a) && !memcmp(k, a, klen)) want = va;
        else if (b && klen == (int)strlen(b) && !memcmp(k, b, klen)) want = vb;
        else if (pay && klen == 7 && !memcmp(k, "payload", 7)) { pay->p = v; pay->n = (int)(p - v); }
        if (want) {
            if (*v != '"') return -2;
            want->p = v + 1;
            want->n = (int)(p - v - 2);
        }
        p = ws(p, e);
        if (*p == ',') p = ws(p + 1, e);
    }
    return 0;
}

static int chars(span s) { /* roughly as JavaScript counts them: escapes as one, astral as two */
    int n = 0;
    for (int i = 0; i < s.n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        if (ch == '\\') i += s.p[i + 1] == 'u' ? 5 : 1;
        else if ((ch & 0xC0) == 0x80) continue;
        else if (ch >= 0xF0) n++;
        n++;
    }
    return n;
}

static int is(span s, const char *lit) { return s.p && s.n == (int)strlen(lit) && !memcmp(s.p, lit, s.n); }

/* ---- the protocol ---- */

static void new_message(conn *c, span id, span payload) {
    span text = {0}, rm = {0};
    const char *p = payload.p;
    if (p && *p == '"') {
        text.p = p + 1;
        text.n = payload.n - 2;
    } else if (p && *p == '{') {
        if (members(p, p + payload.n, "text", &text, "room", &rm, NULL) < 0) text.p = NULL;
        if (rm.p && !is(rm, "general")) { error_frame(c, id.p, id.n, "not_in_room", "not in that room"); return; }
    }
    if (!text.p || text.n == 0 || chars(text) > MAX_MESSAGE_CHARS) {
        error_frame(c, id.p, id.n, "invalid_argument", "text must be 1-2000 characters");
        return;
    }
    uint64_t seq = ++room.seq;
    if (id.p)
        send_json(c, "{\"type\":\"ack\",\"id\":\"%.*s\",\"payload\":{\"room\":\"general\",\"seq\":%llu}}",
                  id.n, id.p, (unsigned long long)seq);
    flush_presence(); /* nobody hears from someone whose join they have not seen */
    int n = snprintf((char *)bcast + 10, sizeof bcast - 10,
                     "{\"type\":\"message\",\"payload\":{\"room\":\"general\",\"seq\":%llu,\"nick\":\"%s\","
                     "\"color\":\"%s\",\"text\":\"%.*s\",\"ts\":%lld}}",
                     (unsigned long long)seq, c->nick, COLORS[c->color], text.n, text.p, now_ms(CLOCK_REALTIME));
    broadcast((size_t)n); /* the sender included */
}

static void on_text(conn *c, const char *p, size_t n) {
    span type = {0}, id = {0}, payload = {0};
    int r = members(p, p + n, "type", &type, "id", &id, &payload);
    if (r == -1) { error_frame(c, NULL, 0, "bad_json", "not JSON"); return; }
    if (r < 0 || !type.p || id.n > 64) {
        error_frame(c, NULL, 0, "bad_envelope", "expected {\\\"type\\\",\\\"payload\\\"?,\\\"id\\\"?}");
        return;
    }
    if (is(type, "new_message")) {
        new_message(c, id, payload);
    } else if (is(type, "ping")) {
        if (id.p) send_json(c, "{\"type\":\"ack\",\"id\":\"%.*s\",\"payload\":%.*s}", id.n, id.p,
                            payload.p ? payload.n : 4, payload.p ? payload.p : "null");
    } else if (is(type, "nickname") || is(type, "join") || is(type, "leave") || is(type, "create_room")
               || is(type, "delete_room") || is(type, "list_rooms") || is(type, "history") || is(type, "typing")) {
        error_frame(c, id.p, id.n, "unsupported", "not implemented by the floor");
    } else {
        error_frame(c, id.p, id.n, "unknown_type", "unknown type");
    }
}

static void welcome(conn *c) {
    uint64_t s1 = next_random(), s2 = next_random(), t1 = next_random(), t2 = next_random();
    c->color = (unsigned char)(++connections % (sizeof COLORS / sizeof *COLORS));
    snprintf(c->nick, sizeof c->nick, "Anon-%04d", (int)(next_random() % 10000));
    send_json(c, "{\"type\":\"welcome\",\"payload\":{\"sid\":\"%016llx%016llx\",\"token\":\"%016llx%016llx\","
                 "\"nick\":\"%s\",\"color\":\"%s\",\"room\":\"general\",\"server\":{\"name\":\"floor\",\"version\":\"1\"},"
                 "\"limits\":{\"maxMessageChars\":2000,\"maxNickChars\":32}}}",
              (unsigned long long)s1, (unsigned long long)s2, (unsigned long long)t1, (unsigned long long)t2,
              c->nick, COLORS[c->color]);
}

static void http_reply(conn *c, const char *status, const char *body) {
    char r[512];
    int n = snprintf(r, sizeof r, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s", status, strlen(body), body);
    send_bytes(c, (unsigned char *)r, (size_t)n);
    if (c->state == GONE) return;
    if (c->out_len > c->out_off) c->close_after_flush = 1;
    else kill_conn(c);
}

/* The request head ends at p+n (its blank line excluded). */
static void handshake(conn *c, char *p, size_t n) {
    p[n] = 0;
    char *line_end = strstr(p, "\r\n");
    if (line_end) *line_end = 0;
    char path[256] = "";
    if (sscanf(p, "GET %255s HTTP/1.1", path) != 1) { http_reply(c, "400 Bad Request", "bad request\n"); return; }
    char *q = strchr(path, '?');
    if (q) *q = 0;
    const char *key = NULL;
    size_t key_len = 0;
    for (char *l = line_end ? line_end + 2 : p + n; l < p + n;) {
        char *e = strstr(l, "\r\n");
        if (!e) e = p + n;
        if (!strncasecmp(l, "Sec-WebSocket-Key:", 18)) {
            const char *k = l + 18;
            while (*k == ' ' || *k == '\t') k++;
            const char *ke = e;
            while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) ke--;
            key = k;
            key_len = (size_t)(ke - k);
        }
        l = e + 2;
    }
    if (strcmp(path, "/chat") != 0) {
        if (!strcmp(path, "/")) http_reply(c, "200 OK", "the floor of Sori's benchmark; WebSocket endpoint: /chat\n");
        else http_reply(c, "404 Not Found", "not found\n");
        return;
    }
    if (!key || key_len == 0 || key_len > 64) { http_reply(c, "400 Bad Request", "not a WebSocket upgrade\n"); return; }
    unsigned char buf[128], digest[20];
    memcpy(buf, key, key_len);
    memcpy(buf + key_len, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", 36);
    sha1(buf, key_len + 36, digest);
    char accept[32];
    base64(digest, 20, accept);
    char r[256];
    int len = snprintf(r, sizeof r, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Accept: %s\r\n\r\n", accept);
    send_bytes(c, (unsigned char *)r, (size_t)len);
    if (c->state == GONE) return;
    c->state = OPEN;
    welcome(c);
    join_room(c);
}

/* Handles the whole frames in [p, p+n); returns how many bytes it used. */
static size_t frames(conn *c, unsigned char *p, size_t n) {
    size_t at = 0;
    while (c->state == OPEN && !c->close_after_flush && n - at >= 2) {
        unsigned char *f = p + at;
        size_t avail = n - at;
        if (!(f[1] & 0x80)) { close_with(c, 1002); break; } /* clients must mask */
        uint64_t len = f[1] & 0x7F;
        size_t h = 2;
        if (len == 126) {
            if (avail < 4) break;
            len = (uint64_t)f[2] << 8 | f[3];
            h = 4;
        } else if (len == 127) {
            if (avail < 10) break;
            len = 0;
            for (int i = 2; i < 10; i++) len = len << 8 | f[i];
            h = 10;
        }
        if (len > MAX_FRAME) { close_with(c, 1009); break; }
        if (avail < h + 4 + len) break;
        unsigned char *mask = f + h, *d = f + h + 4;
        for (size_t i = 0; i < len; i++) d[i] ^= mask[i & 3];
        at += h + 4 + len;
        int fin = f[0] & 0x80, op = f[0] & 0x0F;
        if (!fin || op == 0x0) { close_with(c, 1003); break; } /* no client of ours fragments */
        switch (op) {
        case 0x1: on_text(c, (const char *)d, (size_t)len); break;
        case 0x2: error_frame(c, NULL, 0, "unsupported", "binary frames are not supported"); break;
        case 0x8: close_with(c, len >= 2 ? (d[0] << 8 | d[1]) : 1000); break;
        case 0x9: {
            size_t total;
            memcpy(reply + 10, d, len);
            unsigned char *pong = frame(reply, 0xA, (size_t)len, &total);
            send_bytes(c, pong, total);
            break;
        }
        case 0xA: break;
        default: close_with(c, 1002);
        }
    }
    return at;
}

static void on_readable(conn *c) {
    for (;;) {
        ssize_t r = read(c->fd, rbuf, MAX_FRAME);
        if (r == 0) { kill_conn(c); return; }
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) kill_conn(c);
            return;
        }
        if (c->close_after_flush) continue; /* closing: what follows is of no interest */
        unsigned char *data = rbuf;
        size_t n = (size_t)r;
        if (c->in_len > 0) { /* the rest of a split frame or head */
            if (c->in_len + n + 1 > c->in_cap) {
                size_t cap = c->in_len + n + 1 + 4096;
                unsigned char *b = realloc(c->in, cap);
                if (!b) { kill_conn(c); return; }
                c->in = b;
                c->in_cap = (uint32_t)cap;
            }
            memcpy(c->in + c->in_len, rbuf, n);
            c->in_len += (uint32_t)n;
            data = c->in;
            n = c->in_len;
        }
        size_t used = 0;
        if (c->state == HTTP) {
            unsigned char *end = memmem(data, n, "\r\n\r\n", 4);
            if (!end) {
                if (n > MAX_HEAD) { kill_conn(c); return; }
            } else {
                used = (size_t)(end - data) + 4;
                end[2] = 0; /* handshake() writes a terminator at the head's end (the blank line) */
                handshake(c, (char *)data, (size_t)(end - data) + 2);
            }
        }
        if (c->state == OPEN) used += frames(c, data + used, n - used);
        if (c->state == GONE) return;
        size_t left = n - used;
        if (left == 0) {
            free(c->in); /* split frames are rare: an idle connection holds no buffer */
            c->in = NULL;
            c->in_len = c->in_cap = 0;
        } else if (data == c->in) {
            memmove(c->in, c->in + used, left);
            c->in_len = (uint32_t)left;
        } else {
            c->in_cap = (uint32_t)(left + 4096);
            c->in = malloc(c->in_cap);
            if (!c->in) { kill_conn(c); return; }
            memcpy(c->in, data + used, left);
            c->in_len = (uint32_t)left;
        }
        if ((size_t)r < MAX_FRAME) return;
    }
}

static void on_accept(int lfd) {
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or out of descriptors: the next event tries again */
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conn *c = calloc(1, sizeof *c);
        if (!c) { close(fd); continue; }
        c->fd = fd;
        c->member = -1;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) { close(fd); free(c); }
    }
}

static void on_sigquit(int sig) {
    (void)sig;
    static const char m[] = "SIGQUIT ignored: not a JVM (run the memory scenario with --heap false)\n";
    ssize_t ignored = write(2, m, sizeof m - 1);
    (void)ignored;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *port = "8092";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--host") && i + 1 < argc) host = argv[++i];
        else if (!strcmp(argv[i], "--port") && i + 1 < argc) port = argv[++i];
        else if (!strcmp(argv[i], "--no-coalesce")) coalesce = 0;
        else { fprintf(stderr, "usage: floor [--host H] [--port P] [--no-coalesce]\n"); return 2; }
    }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGQUIT, on_sigquit); /* jcmd's attach signal, whose default would end us */
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    int u = open("/dev/urandom", O_RDONLY);
    if (u < 0 || read(u, &rng, sizeof rng) != sizeof rng) die("/dev/urandom");
    close(u);
    rng |= 1;

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE}, *ai;
    int e = getaddrinfo(host, port, &hints, &ai);
    if (e) { fprintf(stderr, "%s: %s\n", host, gai_strerror(e)); return 1; }
    int lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0) die("socket");
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(lfd, ai->ai_addr, ai->ai_addrlen) < 0) die("bind");
    freeaddrinfo(ai);
    if (listen(lfd, 4096) < 0) die("listen");
    struct sockaddr_storage sa;
    socklen_t salen = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &salen);
    int bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                               : ((struct sockaddr_in *)&sa)->sin_port);

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}; /* NULL: the listening socket */
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    printf("listening on ws://%s:%d/chat\n", host, bound);
    fflush(stdout);

    struct epoll_event events[256];
    for (;;) {
        int timeout = -1;
        if (room.pending_kind) {
            long long due = room.pending_since + COALESCE_MS - now_ms(CLOCK_MONOTONIC);
            timeout = due > 0 ? (int)due : 0;
        }
        int n = epoll_wait(epfd, events, 256, timeout);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        for (int i = 0; i < n; i++) {
            conn *c = events[i].data.ptr;
            if (!c) { on_accept(lfd); continue; }
            if (c->state == GONE) continue; /* killed by an earlier event of this batch, not yet freed */
            if (events[i].events & EPOLLOUT) on_writable(c);
            if (c->state != GONE && events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
        }
        if (room.pending_kind && now_ms(CLOCK_MONOTONIC) >= room.pending_since + COALESCE_MS) flush_presence();
        reap(); /* after the batch: a later event of it may still name a killed connection */
    }
}
