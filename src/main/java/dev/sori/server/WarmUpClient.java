package dev.sori.server;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link WarmUp}'s loopback client, one per thread, on blocking sockets: it speaks just enough of
 * RFC 6455 and of the protocol to do what a browser does, again and again: the upgrade (with the
 * page's own {@code Origin}, over TLS when the server has a keystore; half of the times with the
 * token of its previous visit, as a page reconnecting after a restart does), {@code welcome}, every
 * other time a {@code new_message} to {@code general} and its ack, then a close handshake. It talks only to its own twin, so it checks
 * no more than it needs to know that each step happened.
 */
final class WarmUpClient {
    private static final int OP_TEXT = 1;
    private static final int OP_CLOSE = 8;
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final byte[] MASK = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private static final byte[] POST = masked(OP_TEXT,
            "{\"type\":\"new_message\",\"id\":\"w\",\"payload\":\"w\"}".getBytes(StandardCharsets.UTF_8));
    private static final byte[] CLOSE = masked(OP_CLOSE, new byte[] {0x03, (byte) 0xe8}); // 1000
    private static final String TOKEN = "\"token\":\"";
    /** New or resumed, posting or not: visit {@code n} is kind {@code n % 4}. */
    private static final int KINDS_OF_VISIT = 4;

    private final InetSocketAddress server;
    private final SSLSocketFactory tls;
    private final String authority;
    private String token; // from the last welcome, URL-encoded; null before the first

    /** A client of {@code server}, over TLS with {@code tls} (null: plain). */
    WarmUpClient(InetSocketAddress server, SSLSocketFactory tls) {
        this.server = server;
        this.tls = tls;
        this.authority = server.getAddress().getHostAddress() + ":" + server.getPort();
    }

    private byte[] upgrade(String resume) {
        String target = resume != null ? "/chat?token=" + resume : "/chat";
        return ("GET " + target + " HTTP/1.1\r\nHost: " + authority + "\r\nOrigin: http" + (tls == null ? "" : "s")
                + "://" + authority
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\nUser-Agent: sori-warm-up\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Connects, chats and closes until {@code deadline} ({@link System#nanoTime}), counting what it
     * did; at least once each kind of visit, however slowly the twin started.
     */
    void runUntil(long deadline, AtomicLong handshakes, AtomicLong resumed, AtomicLong messages) throws IOException {
        for (long n = 0; n < KINDS_OF_VISIT || System.nanoTime() - deadline < 0; n++) {
            try (Socket socket = open()) {
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                String sent = n % KINDS_OF_VISIT < 2 ? token : null; // the first has no token yet
                out.write(upgrade(sent));
                readSwitchingProtocols(in);
                String welcomed = token(awaitText(in, "\"type\":\"welcome\""));
                handshakes.incrementAndGet();
                if (welcomed != null && welcomed.equals(sent)) {
                    resumed.incrementAndGet();
                }
                token = welcomed;
                if (n % 2 == 1) {
                    out.write(POST);
                    awaitText(in, "\"type\":\"ack\"");
                    messages.incrementAndGet();
                }
                out.write(CLOSE);
                while (readFrame(in, null) != OP_CLOSE) {
                    // what the room sent before the server's close
                }
                if (socket instanceof SSLSocket secure) {
                    secure.getSession().invalidate(); // the next is a full TLS handshake, as after a restart
                }
            }
        }
    }

    private Socket open() throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(TIMEOUT_MILLIS);
            plain.connect(server, TIMEOUT_MILLIS);
            if (tls == null) {
                return plain;
            }
            SSLSocket secure = (SSLSocket) tls.createSocket(plain, server.getHostString(), server.getPort(), true);
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    private static void readSwitchingProtocols(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the upgrade's response ended early: " + head);
            }
            head.append((char) b);
        }
        if (!head.toString().startsWith("HTTP/1.1 101 ")) {
            throw new ProtocolException("upgrade refused: " + head.toString().lines().findFirst().orElse(""));
        }
    }

    /** The token a {@code welcome} gives, URL-encoded, or null. */
    private static String token(String welcome) {
        int at = welcome.indexOf(TOKEN);
        int end = at < 0 ? -1 : welcome.indexOf('"', at + TOKEN.length());
        return end < 0 ? null : URLEncoder.encode(welcome.substring(at + TOKEN.length(), end), StandardCharsets.UTF_8);
    }

    /** Reads frames until a text frame that contains {@code marker}, and returns that frame's text. */
    private static String awaitText(InputStream in, String marker) throws IOException {
        StringBuilder text = new StringBuilder();
        while (true) {
            text.setLength(0);
            int op = readFrame(in, text);
            if (op == OP_CLOSE) {
                throw new EOFException("closed while waiting for " + marker);
            }
            if (op == OP_TEXT && text.indexOf(marker) >= 0) {
                return text.toString();
            }
            if (op == OP_TEXT && text.indexOf("\"type\":\"error\"") >= 0) {
                throw new ProtocolException("the twin refused: " + text);
            }
        }
    }

    /** Reads one unmasked server frame; its text goes to {@code text} when given. Returns its opcode. */
    private static int readFrame(InputStream in, StringBuilder text) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            throw new EOFException("the server closed the connection");
        }
        long length = b1 & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | in.read();
            }
        }
        if (length < 0 || length > 1 << 24) {
            throw new ProtocolException("frame of " + length + " bytes");
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("the server closed the connection inside a frame");
        }
        if (text != null) {
            text.append(new String(payload, StandardCharsets.UTF_8));
        }
        return b0 & 0x0f;
    }

    /** One final client frame (payload under 126 bytes), masked as RFC 6455 requires of a client. */
    private static byte[] masked(int opcode, byte[] payload) {
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) (0x80 | opcode);
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(MASK, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ MASK[i & 3]);
        }
        return frame;
    }
}
