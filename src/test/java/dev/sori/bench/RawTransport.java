package dev.sori.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A deliberately lean RFC 6455 client on plain non-blocking {@link SocketChannel}s, so that the
 * generator spends as little CPU per received message as possible on a machine it shares with
 * the server. No extensions, no TLS (ws:// only).
 *
 * <p>Each connection belongs to one selector thread, which does all of its reading and every
 * call to its {@link Handler}, so those calls never overlap. {@link Conn#send} may come from any
 * thread: it writes on the caller's thread when nothing is queued and leaves the rest to the
 * selector thread (OP_WRITE) otherwise, so a sender never blocks and never waits for a hand-off.
 */
final class RawTransport implements Transport {
    static final int MAX_MESSAGE = 16 << 20;
    private static final long HANDSHAKE_TIMEOUT_SECONDS = 30;
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    /** A carry buffer is never smaller: a split header must not cost one read per byte. */
    private static final int MIN_CARRY = 4096;
    private static final int MAX_HANDSHAKE_RESPONSE = 8192;

    private final Loop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    /** {@code threads} selector threads (at least one); connections are spread round robin. */
    RawTransport(int threads) {
        loops = new Loop[Math.max(1, threads)];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new Loop("raw-ws-" + (i + 1));
        }
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public CompletableFuture<Conn> connect(URI uri, Handler handler) {
        CompletableFuture<Conn> opened = new CompletableFuture<>();
        if (!"ws".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            opened.completeExceptionally(new IllegalArgumentException("the raw client speaks ws:// only, not " + uri));
            return opened;
        }
        RawConn c;
        try {
            // Resolved here so that a slow name lookup never stalls a selector thread.
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
            Loop loop = loops[Math.floorMod(next.getAndIncrement(), loops.length)];
            c = new RawConn(loop, address, uri, handler, opened);
            loop.execute(c::start);
        } catch (RuntimeException e) {
            opened.completeExceptionally(e);
            return opened;
        }
        opened.orTimeout(HANDSHAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS).whenComplete((conn, failure) -> {
            if (failure instanceof TimeoutException) {
                c.loop.execute(() -> c.end(1006, "", failure));
            }
        });
        return opened;
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.shutdown();
        }
        for (Loop loop : loops) {
            loop.awaitExit();
        }
    }

    /** One selector thread and the tasks other threads hand to it. */
    private static final class Loop implements Runnable {
        final Selector selector;
        final Thread thread;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /**
         * Shared by every connection of this thread; a heap buffer because the payload is decoded
         * from its array straight into a String (the channel copies into its own cached direct
         * buffer either way, so a direct one would only add a second copy).
         */
        final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
        private final Consumer<SelectionKey> onKey = this::onKey;
        private volatile boolean running = true;

        Loop(String name) {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            thread = new Thread(this, name);
            thread.setDaemon(true);
            thread.start();
        }

        void execute(Runnable task) {
            tasks.add(task);
            if (Thread.currentThread() != thread) {
                selector.wakeup();
            }
        }

        @Override
        public void run() {
            try {
                while (running) {
                    selector.select(onKey);
                    runTasks();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println(thread.getName() + " stopped: " + e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    ((RawConn) key.attachment()).shutdown();
                }
                try {
                    selector.close();
                } catch (IOException e) {
                    // nothing left to release
                }
            }
        }

        private void onKey(SelectionKey key) {
            RawConn c = (RawConn) key.attachment();
            try {
                int ready = key.readyOps();
                if ((ready & SelectionKey.OP_CONNECT) != 0) {
                    c.onConnectable();
                }
                if ((ready & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
                    c.flush();
                }
                if ((ready & SelectionKey.OP_READ) != 0 && key.isValid()) {
                    c.onReadable();
                }
            } catch (RuntimeException e) { // a throwing handler, or a key cancelled by abort()
                c.end(1006, "", e);
            }
        }

        private void runTasks() {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    // one connection's failure must not stop the others' selector thread
                    System.err.println(thread.getName() + " task failed: " + e);
                }
            }
        }

        void shutdown() {
            running = false;
            selector.wakeup();
        }

        void awaitExit() {
            if (Thread.currentThread() == thread) {
                return;
            }
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class RawConn implements Conn {
        private static final int CONNECTING = 0, HANDSHAKE = 1, OPEN = 2, CLOSING = 3, DONE = 4;
        private static final byte[] NO_BYTES = new byte[0];

        final Loop loop;
        private final InetSocketAddress address;
        private final URI uri;
        private final Handler handler;
        private final CompletableFuture<Conn> opened;
        private final String key;
        private SocketChannel ch;
        private SelectionKey selectionKey;
        private volatile boolean aborted;

        // Selector thread only.
        private int state = CONNECTING;
        /** Whether the future completed with this connection, so that the handler owns its end. */
        private boolean open;
        private boolean reported;
        /** Bytes of an incomplete frame (or of the handshake response), in write mode; else null. */
        private ByteBuffer carry;
        /** 0 outside a fragmented message, else the opcode of its first frame. */
        private int fragmentOp;
        private byte[] message;
        private int messageLength;

        // Guarded by this.
        private ArrayDeque<ByteBuffer> queue;
        private boolean writeInterest;
        /** No frame may follow: a close frame went out, or the connection is gone. */
        private boolean outputShut;
        private boolean closeAfterFlush;

        RawConn(Loop loop, InetSocketAddress address, URI uri, Handler handler, CompletableFuture<Conn> opened) {
            this.loop = loop;
            this.address = address;
            this.uri = uri;
            this.handler = handler;
            this.opened = opened;
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            this.key = Base64.getEncoder().encodeToString(nonce);
        }

        void start() {
            if (opened.isDone()) {
                return; // timed out before the selector thread got to it
            }
            try {
                ch = SocketChannel.open();
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                selectionKey = ch.register(loop.selector, SelectionKey.OP_CONNECT, this);
                if (ch.connect(address)) {
                    onConnectable();
                }
            } catch (IOException | RuntimeException e) {
                end(1006, "", e);
            }
        }

        void onConnectable() {
            try {
                if (!ch.finishConnect()) {
                    return;
                }
            } catch (IOException e) {
                end(1006, "", e);
                return;
            }
            state = HANDSHAKE;
            selectionKey.interestOps(SelectionKey.OP_READ);
            carry = ByteBuffer.allocate(MAX_HANDSHAKE_RESPONSE);
            String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            String request = "GET " + target + " HTTP/1.1\r\n"
                    + "Host: " + host + "\r\n"
                    + "Upgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\n"
                    + "Sec-WebSocket-Version: 13\r\n"
                    + "\r\n";
            synchronized (this) {
                enqueue(ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
            }
        }

        void onReadable() {
            // A full buffer means more may be waiting: read again now rather than after another select.
            for (int round = 0; round < 4; round++) {
                ByteBuffer b = carry != null ? carry : loop.readBuffer;
                if (carry == null) {
                    b.clear();
                }
                int n;
                try {
                    n = ch.read(b);
                } catch (IOException e) {
                    end(1006, "", e);
                    return;
                }
                if (n < 0) {
                    end(1006, "", null);
                    return;
                }
                if (n == 0) {
                    return;
                }
                boolean full = !b.hasRemaining();
                b.flip();
                int needed;
                if (state == HANDSHAKE) {
                    needed = handshake(b);
                    if (state == OPEN) {
                        needed = frames(b);
                    }
                } else if (state == OPEN) {
                    needed = frames(b);
                } else {
                    b.position(b.limit()); // CLOSING: whatever follows the close frame is of no interest
                    needed = 0;
                }
                if (needed < 0) {
                    return;
                }
                keep(b, needed);
                if (!full) {
                    return;
                }
            }
        }

        /**
         * Keeps what {@code b} still holds (the start of a frame that needs {@code needed} bytes in
         * all) in this connection's carry buffer, and drops the carry buffer once it is empty:
         * splits are rare, and thousands of idle connections should not each hold one.
         */
        private void keep(ByteBuffer b, int needed) {
            if (state == HANDSHAKE) {
                b.compact();
                return;
            }
            int remaining = b.remaining();
            if (remaining == 0) {
                carry = null;
                return;
            }
            int size = Math.max(MIN_CARRY, Math.max(needed, remaining));
            if (b == carry && size <= carry.capacity()) {
                carry.compact();
                return;
            }
            ByteBuffer bigger = ByteBuffer.allocate(size);
            bigger.put(b);
            carry = bigger;
        }

        /**
         * Waits for the whole response head, checks it, and opens the connection; leaves
         * {@code b} at the first frame byte. Returns -1 once failed, else 0.
         */
        private int handshake(ByteBuffer b) {
            byte[] a = b.array();
            int end = b.limit();
            int head = -1;
            for (int i = 3; i < end; i++) {
                if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                    head = i - 3;
                    break;
                }
            }
            if (head < 0) {
                if (end == b.capacity()) {
                    end(1006, "", new ProtocolException("handshake response head over " + b.capacity() + " bytes"));
                    return -1;
                }
                return 0; // b stays at 0: keep() holds on to everything
            }
            String[] lines = new String(a, 0, head, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
                end(1006, "", new ProtocolException("upgrade refused: " + lines[0]));
                return -1;
            }
            String accept = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                    accept = lines[i].substring(colon + 1).trim();
                }
            }
            if (!expectedAccept(key).equals(accept)) {
                end(1006, "", new ProtocolException("bad Sec-WebSocket-Accept: " + accept));
                return -1;
            }
            b.position(head + 4);
            state = OPEN;
            if (!opened.complete(this)) { // timed out meanwhile
                end(1006, "", null);
                return -1;
            }
            open = true;
            return 0;
        }

        /**
         * Handles every whole frame in {@code b}, leaving it at the first byte of an incomplete
         * one. Returns how many bytes that frame needs in all (a lower bound while its header is
         * incomplete; 0 when nothing is left), or -1 once the connection has ended.
         */
        private int frames(ByteBuffer b) {
            byte[] a = b.array();
            int p = b.position();
            int end = b.limit();
            while (p < end) {
                if (state != OPEN || aborted) {
                    return -1;
                }
                int avail = end - p;
                if (avail < 2) {
                    b.position(p);
                    return 2;
                }
                int b1 = a[p + 1] & 0xFF;
                if ((b1 & 0x80) != 0) {
                    return protocolError("masked frame from the server");
                }
                long length = b1 & 0x7F;
                int header = 2;
                if (length == 126) {
                    if (avail < 4) {
                        b.position(p);
                        return 4;
                    }
                    length = ((a[p + 2] & 0xFF) << 8) | (a[p + 3] & 0xFF);
                    header = 4;
                } else if (length == 127) {
                    if (avail < 10) {
                        b.position(p);
                        return 10;
                    }
                    length = 0;
                    for (int i = 2; i < 10; i++) {
                        length = (length << 8) | (a[p + i] & 0xFF);
                    }
                    header = 10;
                }
                if (length < 0 || length > MAX_MESSAGE) {
                    return tooBig(length);
                }
                int total = header + (int) length;
                if (avail < total) {
                    b.position(p);
                    return total;
                }
                int b0 = a[p];
                p += total;
                b.position(p);
                if (!frame(b0, a, p - (int) length, (int) length)) {
                    return -1;
                }
            }
            b.position(p);
            return state == OPEN && !aborted ? 0 : -1;
        }

        /** Returns false once the connection has ended. */
        private boolean frame(int b0, byte[] a, int off, int len) {
            boolean fin = (b0 & 0x80) != 0;
            int op = b0 & 0x0F;
            switch (op) {
                case 0x0, 0x1, 0x2 -> {
                    if (op != 0) {
                        if (fragmentOp != 0) {
                            return protocolError("new message inside a fragmented one") >= 0;
                        }
                        if (fin) {
                            if (op == 0x1) {
                                handler.onText(new String(a, off, len, StandardCharsets.UTF_8));
                            }
                            return true;
                        }
                        fragmentOp = op;
                    } else if (fragmentOp == 0) {
                        return protocolError("continuation frame outside a message") >= 0;
                    }
                    if (fragmentOp == 0x1 && !append(a, off, len)) {
                        return false;
                    }
                    if (fin) {
                        boolean text = fragmentOp == 0x1;
                        fragmentOp = 0;
                        String s = text ? new String(message, 0, messageLength, StandardCharsets.UTF_8) : null;
                        message = null;
                        messageLength = 0;
                        if (text) {
                            handler.onText(s);
                        }
                    }
                    return true;
                }
                case 0x8 -> {
                    onCloseFrame(a, off, len);
                    return false;
                }
                case 0x9 -> {
                    synchronized (this) {
                        if (!outputShut) {
                            enqueue(encode(0xA, a, off, len));
                        }
                    }
                    return true;
                }
                case 0xA -> {
                    return true;
                }
                default -> {
                    return protocolError("unknown opcode " + op) >= 0;
                }
            }
        }

        private boolean append(byte[] a, int off, int len) {
            if ((long) messageLength + len > MAX_MESSAGE) {
                tooBig((long) messageLength + len);
                return false;
            }
            if (message == null) {
                message = new byte[Math.max(len * 2, 1024)];
            } else if (messageLength + len > message.length) {
                message = Arrays.copyOf(message, (int) Math.min(MAX_MESSAGE,
                        Math.max((long) message.length * 2, (long) messageLength + len)));
            }
            System.arraycopy(a, off, message, messageLength, len);
            messageLength += len;
            return true;
        }

        private void onCloseFrame(byte[] a, int off, int len) {
            int code = len >= 2 ? ((a[off] & 0xFF) << 8) | (a[off + 1] & 0xFF) : 1005;
            String reason = len > 2 ? new String(a, off + 2, len - 2, StandardCharsets.UTF_8) : "";
            boolean flushed;
            synchronized (this) {
                if (!outputShut) {
                    outputShut = true;
                    // 1005, 1006 and 1015 only exist locally: answer those with an empty close frame.
                    enqueue(code == 1005 || code == 1006 || code == 1015 ? encode(0x8, NO_BYTES, 0, 0) : closeFrame(code));
                }
                flushed = queue == null || queue.isEmpty();
                closeAfterFlush = !flushed;
            }
            state = CLOSING;
            report(code, reason, null);
            if (flushed) {
                closeChannel();
            }
        }

        private int protocolError(String what) {
            end(1002, what, new ProtocolException(what));
            return -1;
        }

        private int tooBig(long length) {
            end(1009, "", new ProtocolException("message of " + length + " bytes is over " + MAX_MESSAGE));
            return -1;
        }

        /**
         * The connection is over: closes it and tells whoever waits, once. Before the handshake
         * completed that is the future; after it, the handler ({@code onError} for a failure,
         * unless we aborted, else {@code onClose}).
         */
        void end(int code, String reason, Throwable failure) {
            closeChannel();
            if (!open) {
                opened.completeExceptionally(failure != null ? failure
                        : new EOFException("connection closed during the handshake with " + uri));
                return;
            }
            report(code, reason, aborted ? null : failure);
        }

        private void report(int code, String reason, Throwable failure) {
            if (reported) {
                return;
            }
            reported = true;
            try {
                if (failure != null) {
                    handler.onError(failure);
                } else {
                    handler.onClose(code, reason);
                }
            } catch (RuntimeException e) {
                // a throwing handler must not take the selector thread, and its other connections, down
                System.err.println(loop.thread.getName() + ": handler failed on close: " + e);
            }
        }

        private void closeChannel() {
            state = DONE;
            synchronized (this) {
                outputShut = true;
                queue = null;
            }
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // closed is closed
                }
            }
        }

        /** The transport is closing: silently, except for a caller still waiting for the handshake. */
        void shutdown() {
            closeChannel();
            if (!open) {
                opened.completeExceptionally(new IOException("transport closed"));
            }
        }

        /** Writes what it can now, queues the rest. Hold this. */
        private void enqueue(ByteBuffer frame) {
            if (queue == null || queue.isEmpty()) {
                try {
                    ch.write(frame);
                } catch (IOException e) {
                    outputShut = true;
                    loop.execute(() -> end(1006, "", e));
                    return;
                }
                if (!frame.hasRemaining()) {
                    return;
                }
            }
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(frame);
            if (!writeInterest) {
                writeInterest = true;
                if (Thread.currentThread() == loop.thread) {
                    wantWrite();
                } else {
                    loop.execute(this::wantWrite);
                }
            }
        }

        private synchronized void wantWrite() {
            if (writeInterest && selectionKey.isValid()) {
                try {
                    selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                } catch (CancelledKeyException e) {
                    // closed meanwhile
                }
            }
        }

        /** OP_WRITE: drains the queue, then stops asking for OP_WRITE. */
        void flush() {
            IOException failure = null;
            boolean close = false;
            synchronized (this) {
                try {
                    while (queue != null && !queue.isEmpty()) {
                        ByteBuffer b = queue.peek();
                        ch.write(b);
                        if (b.hasRemaining()) {
                            return;
                        }
                        queue.poll();
                    }
                    writeInterest = false;
                    selectionKey.interestOps(SelectionKey.OP_READ);
                    close = closeAfterFlush;
                } catch (IOException e) {
                    failure = e;
                }
            }
            if (failure != null) {
                end(1006, "", failure);
            } else if (close) {
                closeChannel();
            }
        }

        @Override
        public void send(String text) {
            byte[] payload = text.getBytes(StandardCharsets.UTF_8);
            ByteBuffer frame = encode(0x1, payload, 0, payload.length);
            synchronized (this) {
                if (!outputShut) {
                    enqueue(frame);
                }
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                if (!outputShut) {
                    outputShut = true;
                    enqueue(closeFrame(1000));
                }
            }
        }

        @Override
        public void abort() {
            aborted = true;
            synchronized (this) {
                outputShut = true;
                queue = null;
            }
            try {
                ch.close();
            } catch (IOException e) {
                // closed is closed
            }
            loop.execute(() -> end(1006, "", null));
        }

        private static ByteBuffer closeFrame(int code) {
            return encode(0x8, new byte[] {(byte) (code >>> 8), (byte) code}, 0, 2);
        }

    }

    /** One final, masked client frame (also {@link StuckClient}'s few sends). */
    static ByteBuffer encode(int opcode, byte[] payload, int off, int len) {
        int header = len < 126 ? 2 : len < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + len];
        f[0] = (byte) (0x80 | opcode);
        if (len < 126) {
            f[1] = (byte) (0x80 | len);
        } else if (len < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (len >>> 8);
            f[3] = (byte) len;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) len >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        byte m0 = (byte) (mask >>> 24), m1 = (byte) (mask >>> 16), m2 = (byte) (mask >>> 8), m3 = (byte) mask;
        f[header] = m0;
        f[header + 1] = m1;
        f[header + 2] = m2;
        f[header + 3] = m3;
        int p = header + 4;
        int i = 0;
        for (; i + 3 < len; i += 4) {
            f[p + i] = (byte) (payload[off + i] ^ m0);
            f[p + i + 1] = (byte) (payload[off + i + 1] ^ m1);
            f[p + i + 2] = (byte) (payload[off + i + 2] ^ m2);
            f[p + i + 3] = (byte) (payload[off + i + 3] ^ m3);
        }
        for (; i < len; i++) {
            f[p + i] = (byte) (payload[off + i] ^ f[header + (i & 3)]);
        }
        return ByteBuffer.wrap(f);
    }

    static String expectedAccept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
