package dev.sori.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A WebSocket client written by hand over a plain {@link Socket}, for the misbehaving peers a
 * well-mannered client library will not imitate: one that never reads (its receive buffer is
 * tiny and nothing drains it), or one that reads but never answers a ping. It does exactly what
 * the test tells it and nothing on its own: no automatic pong, no automatic close reply.
 *
 * <p>It also writes frames no conforming client would, for the protocol fuzz tests (the way
 * Autobahn's cases do it): any FIN flag, RSV bits, opcode, masked or not, and a length header
 * that may claim more than follows ({@link #writeFrame}); or plain bytes ({@link #writeRaw}).
 */
final class RawWebSocket implements AutoCloseable {
    static final int OP_CONTINUATION = 0x0;
    static final int OP_TEXT = 0x1;
    static final int OP_BINARY = 0x2;
    static final int OP_CLOSE = 0x8;
    static final int OP_PING = 0x9;
    static final int OP_PONG = 0xA;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    /** One frame as received; server frames are never masked. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or 1005 (no status) when it carries none. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }

        @Override
        public String toString() {
            return "Frame[op=" + opcode + ", " + (opcode == OP_TEXT ? text() : payload.length + " bytes") + "]";
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /**
     * Connects to a {@code ws://host:port/path} URI and completes the opening handshake, reading
     * nothing past the response headers.
     *
     * @param receiveBuffer SO_RCVBUF to ask for before connecting (so that it shapes the TCP
     *                      window), or 0 for the system default
     */
    static RawWebSocket connect(URI uri, int receiveBuffer) {
        return connect(uri, receiveBuffer, null);
    }

    /**
     * Like {@link #connect(URI, int)}, from a chosen local address (e.g. {@code 127.0.0.2}, to be
     * another peer address than 127.0.0.1 on the same machine), or the system's choice when null.
     */
    static RawWebSocket connect(URI uri, int receiveBuffer, java.net.InetAddress from) {
        return connect(uri, receiveBuffer, from, java.util.Map.of());
    }

    /**
     * Like {@link #connect(URI, int, java.net.InetAddress)}, with extra handshake headers (e.g. a
     * proxy's {@code X-Forwarded-For}), written as given after the standard ones; a {@code Host}
     * among them replaces the URI's.
     */
    static RawWebSocket connect(URI uri, int receiveBuffer, java.net.InetAddress from,
                                java.util.Map<String, String> headers) {
        Socket socket = new Socket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            RawWebSocket ws = new RawWebSocket(socket);
            ws.handshake(uri, headers);
            return ws;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
            throw new UncheckedIOException(e);
        }
    }

    private void handshake(URI uri, java.util.Map<String, String> headers) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String host = headers.getOrDefault("Host", uri.getHost() + ":" + uri.getPort()); // a proxy may pass the public one
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n";
        StringBuilder extra = new StringBuilder();
        headers.forEach((name, value) -> {
            if (!name.equals("Host")) {
                extra.append(name).append(": ").append(value).append("\r\n");
            }
        });
        request += extra + "\r\n";
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();

        // Byte by byte up to the blank line, so that no frame after the headers is consumed.
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String response = head.toString(StandardCharsets.ISO_8859_1);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + response);
        }
        String expected = accept(key);
        if (!response.toLowerCase().contains("sec-websocket-accept: " + expected.toLowerCase())) {
            throw new IOException("wrong Sec-WebSocket-Accept (wanted " + expected + "): " + response);
        }
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Socket socket() {
        return socket;
    }

    /** Reads the next frame; fails on timeout (10 s) and throws {@link EOFException} at the end of the stream. */
    Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        boolean fin = (b0 & 0x80) != 0;
        int opcode = b0 & 0x0F;
        boolean masked = (b1 & 0x80) != 0;
        long length = b1 & 0x7F;
        if (length == 126) {
            length = ((long) readByte() << 8) | readByte();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | readByte();
            }
        }
        if (length > 16 * 1024 * 1024) {
            throw new IOException("frame too long: " + length);
        }
        byte[] mask = masked ? in.readNBytes(4) : null;
        byte[] payload = in.readNBytes((int) length);
        if (payload.length != length) {
            throw new EOFException("connection closed inside a frame");
        }
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame(opcode, fin, payload);
    }

    /** Reads frames until one with {@code opcode} arrives; returns it. */
    Frame readUntil(int opcode) throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == opcode) {
                return f;
            }
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("end of stream");
        }
        return b;
    }

    void sendText(String text) throws IOException {
        sendFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    void sendPong(byte[] payload) throws IOException {
        sendFrame(OP_PONG, payload);
    }

    void sendClose(int code) throws IOException {
        sendFrame(OP_CLOSE, ByteBuffer.allocate(2).putShort((short) code).array());
    }

    /** Sends one final frame, masked as a client must. */
    synchronized void sendFrame(int opcode, byte[] payload) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length & 0xFF);
        } else {
            frame.write(0x80 | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
    }

    /**
     * Sends one frame exactly as described, however wrong.
     *
     * @param fin            the FIN bit
     * @param rsv            the three RSV bits, as a number 0-7 (4 = RSV1, 2 = RSV2, 1 = RSV3)
     * @param opcode         any 4-bit opcode
     * @param masked         whether to set the MASK bit and mask the payload (clients must)
     * @param declaredLength the payload length the header claims, in the shortest encoding
     *                       that holds it; may differ from {@code payload.length}
     * @param payload        the bytes that follow the header (masked when {@code masked})
     */
    synchronized void writeFrame(boolean fin, int rsv, int opcode, boolean masked, long declaredLength, byte[] payload)
            throws IOException {
        out.write(frameBytes(fin, rsv, opcode, masked, declaredLength, payload));
        out.flush();
    }

    /** A masked frame with its true length: FIN as given, no RSV bits. */
    void sendFragment(int opcode, boolean fin, byte[] payload) throws IOException {
        writeFrame(fin, 0, opcode, true, payload.length, payload);
    }

    /** The wire bytes of a frame (see {@link #writeFrame}), for tests that batch many frames into one write. */
    static byte[] frameBytes(boolean fin, int rsv, int opcode, boolean masked, long declaredLength, byte[] payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (declaredLength < 126) {
            frame.write(maskBit | (int) declaredLength);
        } else if (declaredLength < 65536) {
            frame.write(maskBit | 126);
            frame.write((int) (declaredLength >>> 8));
            frame.write((int) (declaredLength & 0xFF));
        } else {
            frame.write(maskBit | 127);
            frame.writeBytes(ByteBuffer.allocate(8).putLong(declaredLength).array());
        }
        if (masked) {
            byte[] mask = new byte[4];
            RANDOM.nextBytes(mask);
            frame.writeBytes(mask);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ mask[i % 4]);
            }
        } else {
            frame.writeBytes(payload);
        }
        return frame.toByteArray();
    }

    /** Writes bytes as they are. */
    synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A close frame's payload: the code in two bytes, then the reason's bytes as given. */
    static byte[] closePayload(int code, byte[] reason) {
        return ByteBuffer.allocate(2 + reason.length).putShort((short) code).put(reason).array();
    }

    /**
     * How a connection ended, as this client saw it.
     *
     * @param close  the server's close frame, or null when the TCP connection ended (or was
     *               reset) without one
     * @param tcpEnd whether the server then ended the TCP connection within the wait
     * @param before the frames that came before the end (pings and lobby events included)
     */
    record Ending(Frame close, boolean tcpEnd, java.util.List<Frame> before) {
        /** The close code, or -1 when no close frame came. */
        int closeCode() {
            return close == null ? -1 : close.closeCode();
        }

        @Override
        public String toString() {
            return "Ending[close=" + (close == null ? "none" : close.closeCode() + " " + close.text().substring(
                    Math.min(2, close.payload().length))) + ", tcpEnd=" + tcpEnd + ", frames before=" + before.size() + "]";
        }
    }

    /**
     * Reads until the server closes: its close frame, then (without replying, as a peer that
     * has gone quiet) the end of the TCP connection. Fails if neither comes within
     * {@code wait}. Data frames before the close are collected, not checked.
     */
    Ending awaitEnd(java.time.Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        socket.setSoTimeout((int) Math.max(1, wait.toMillis()));
        java.util.List<Frame> before = new java.util.ArrayList<>();
        Frame close = null;
        try {
            while (close == null) {
                Frame f = readFrame();
                if (f.opcode() == OP_CLOSE) {
                    close = f;
                } else {
                    before.add(f);
                }
                if (System.nanoTime() > deadline) {
                    throw new java.net.SocketTimeoutException("no close within " + wait + "; got " + before);
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return new Ending(null, true, before);
        }
        // After its close frame the server ends the TCP connection (RFC 6455 §7.1.1, the server
        // closes first), whether or not this client answers.
        try {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            socket.setSoTimeout((int) left);
            while (in.read() >= 0) {
                // drain anything after the close frame (there should be nothing)
            }
            return new Ending(close, true, before);
        } catch (java.net.SocketTimeoutException e) {
            return new Ending(close, false, before);
        } catch (java.net.SocketException e) {
            return new Ending(close, true, before); // reset: ended all the same
        }
    }

    /**
     * What a peer that closed first saw: the frames between its close and the server's, the
     * server's close code (-1 when none came), and every frame after the server's close frame,
     * which must be none (RFC 6455 §5.5.1).
     */
    record AfterOwnClose(int before, int closeCode, java.util.List<Frame> after) {
    }

    /**
     * Peers like a page's throwaway sockets, {@code atOnce} at a time for {@code rounds} rounds:
     * each connects, closes on its {@code welcome} and reads to the end of TCP. Returns what each
     * saw after its own close, in the order they were started.
     */
    static java.util.List<AfterOwnClose> closingOnWelcome(URI chat, int atOnce, int rounds) throws Exception {
        java.util.concurrent.ExecutorService peers = java.util.concurrent.Executors.newFixedThreadPool(atOnce);
        try {
            java.util.List<AfterOwnClose> endings = new java.util.ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                java.util.List<java.util.concurrent.Future<AfterOwnClose>> batch = new java.util.ArrayList<>();
                for (int i = 0; i < atOnce; i++) {
                    batch.add(peers.submit(() -> {
                        try (RawWebSocket ws = connect(chat, 0)) {
                            ws.awaitWelcome();
                            return ws.closeAndReadToTheEnd(1000);
                        }
                    }));
                }
                for (java.util.concurrent.Future<AfterOwnClose> f : batch) {
                    endings.add(f.get());
                }
            }
            return endings;
        } finally {
            peers.shutdownNow();
        }
    }

    /** Reads up to this peer's {@code welcome}, as a page does before anything else. */
    void awaitWelcome() throws IOException {
        Frame f;
        do {
            f = readFrame();
        } while (f.opcode() != OP_TEXT || !f.text().startsWith("{\"type\":\"welcome\""));
    }

    /** Sends a close frame with {@code code}, then reads everything until the server ends TCP. */
    AfterOwnClose closeAndReadToTheEnd(int code) throws IOException {
        sendClose(code);
        int before = 0;
        int closeCode = -1;
        java.util.List<Frame> after = new java.util.ArrayList<>();
        try {
            while (true) {
                Frame f = readFrame();
                if (closeCode != -1) {
                    after.add(f);
                } else if (f.opcode() == OP_CLOSE) {
                    closeCode = f.closeCode();
                } else {
                    before++;
                }
            }
        } catch (EOFException | java.net.SocketException e) {
            return new AfterOwnClose(before, closeCode, after);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
