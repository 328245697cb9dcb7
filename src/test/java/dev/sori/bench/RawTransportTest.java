package dev.sori.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RawTransport} against a hand-written server on a plain socket, which chooses exactly
 * how the bytes are cut into writes: several frames in one write, frames and headers split
 * across writes, every length encoding, fragmentation, control frames, both closing handshakes.
 */
class RawTransportTest {
    private RawTransport transport;
    private ServerSocket listener;

    @BeforeEach
    void setUp() throws IOException {
        transport = new RawTransport(2);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws IOException {
        transport.close();
        listener.close();
    }

    @Test
    void acceptKeyIsTheOneFromTheRfc() {
        assertThat(RawTransport.expectedAccept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void receivesMessagesHoweverTheBytesAreCut() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        // The first frame rides in the same write as the response head.
        try (Peer peer = Peer.accept(listener, frame(true, 1, text("welcome")))) {
            assertThat(peer.requestHead).startsWith("GET /chat?room=a%20b HTTP/1.1\r\n")
                    .contains("\r\nHost: 127.0.0.1:" + listener.getLocalPort() + "\r\n", "\r\nUpgrade: websocket\r\n",
                            "\r\nConnection: Upgrade\r\n", "\r\nSec-WebSocket-Version: 13\r\n");
            opened.get(5, TimeUnit.SECONDS);
            assertThat(events.next()).isEqualTo("text welcome");

            // Several frames in one write, a binary one among them (ignored).
            peer.write(concat(frame(true, 1, text("a")), frame(true, 2, new byte[] {1, 2}), frame(true, 1, text("b")),
                    frame(true, 1, text("c"))));
            assertThat(events.next(3)).containsExactly("text a", "text b", "text c");

            // 16-bit and 64-bit lengths; the latter is larger than the shared read buffer.
            String medium = "m".repeat(300);
            String large = "L".repeat(70_000) + "é€";
            peer.write(concat(frame(true, 1, text(medium)), frame(true, 1, text(large))));
            assertThat(events.next(2)).containsExactly("text " + medium, "text " + large);

            // Split after one byte, inside the 16-bit length, inside the payload, inside a UTF-8 character.
            byte[] split = concat(frame(true, 1, text("x".repeat(200))), frame(true, 1, text("héllo €uro")));
            peer.writeInPieces(split, 1, 3, 100, 205, 204 + 2 + 2, 204 + 2 + 8);
            assertThat(events.next(2)).containsExactly("text " + "x".repeat(200), "text héllo €uro");

            // Fragmented, with a ping between the fragments, then another message in the same write.
            peer.write(concat(frame(false, 1, text("frag")), frame(true, 9, text("p1")), frame(false, 0, text("men")),
                    frame(true, 0, text("ted")), frame(true, 1, text("after"))));
            assertThat(events.next(2)).containsExactly("text fragmented", "text after");
            assertThat(peer.readFrame()).isEqualTo(new ClientFrame(true, 0xA, "p1"));

            // A fragmented message whose last fragment comes split in two writes.
            byte[] last = frame(true, 0, text("-end".repeat(100)));
            peer.write(frame(false, 1, text("start")));
            peer.writeInPieces(last, 2, 50);
            assertThat(events.next()).isEqualTo("text start" + "-end".repeat(100));

            assertThat(events.threads).allMatch(name -> name.startsWith("raw-ws-"));
            assertThat(events.queue).isEmpty();
        }
    }

    @Test
    void sendsMaskedFramesWholeAndInOrderFromManyThreads() throws Exception {
        Recorder events = new Recorder();
        listener.setReceiveBufferSize(4096);
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            Transport.Conn conn = opened.get(5, TimeUnit.SECONDS);
            // 12 MB against a small receive buffer: most frames queue behind OP_WRITE.
            String pad = "p".repeat(100_000);
            int perThread = 200;
            List<Thread> senders = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                senders.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        conn.send(id + ":" + i + ":" + (i % 5 == 0 ? pad : "é"));
                    }
                }));
            }
            senders.forEach(Thread::start);
            Thread.sleep(300); // not reading yet: the socket buffers fill up
            int[] nextOf = new int[3];
            for (int n = 0; n < 3 * perThread; n++) {
                ClientFrame f = peer.readFrame(); // readFrame checks the mask bit
                assertThat(f.fin()).isTrue();
                assertThat(f.opcode()).isEqualTo(1);
                String[] parts = f.text().split(":", 3);
                int id = Integer.parseInt(parts[0]);
                int i = Integer.parseInt(parts[1]);
                assertThat(i).isEqualTo(nextOf[id]++);
                assertThat(parts[2]).isEqualTo(i % 5 == 0 ? pad : "é");
            }
            for (Thread t : senders) {
                t.join();
            }
            assertThat(nextOf).containsExactly(perThread, perThread, perThread);
        }
    }

    @Test
    void answersTheServersCloseAndReportsItOnce() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            Transport.Conn conn = opened.get(5, TimeUnit.SECONDS);
            peer.write(frame(true, 8, concat(new byte[] {0x03, (byte) 0xF5}, text("try again later")))); // 1013
            assertThat(peer.readFrame()).isEqualTo(new ClientFrame(true, 8, "\u0003\u00f5"));
            assertThat(events.next()).isEqualTo("close 1013 try again later");
            assertThat(peer.in.read()).isEqualTo(-1); // then the client hangs up
            conn.send("too late");
            conn.close();
            conn.abort();
            assertThat(events.queue.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void closeWithoutCodeIsReportedAs1005() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            opened.get(5, TimeUnit.SECONDS);
            peer.write(frame(true, 8, new byte[0]));
            assertThat(peer.readFrame()).isEqualTo(new ClientFrame(true, 8, ""));
            assertThat(events.next()).isEqualTo("close 1005 ");
        }
    }

    @Test
    void closeStartsTheClosingHandshake() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            Transport.Conn conn = opened.get(5, TimeUnit.SECONDS);
            conn.send("bye");
            conn.close();
            conn.send("not after the close frame");
            assertThat(peer.readFrame()).isEqualTo(new ClientFrame(true, 1, "bye"));
            assertThat(peer.readFrame()).isEqualTo(new ClientFrame(true, 8, "\u0003\u00e8")); // 1000
            peer.write(frame(true, 8, new byte[] {0x03, (byte) 0xE8}));
            assertThat(events.next()).isEqualTo("close 1000 ");
            assertThat(peer.in.read()).isEqualTo(-1);
            assertThat(events.queue.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void abortDropsTheConnectionAndReports1006Once() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            Transport.Conn conn = opened.get(5, TimeUnit.SECONDS);
            conn.abort();
            assertThat(events.next()).isEqualTo("close 1006 ");
            assertThat(peer.in.read()).isEqualTo(-1); // no close frame, just the end
            conn.abort();
            assertThat(events.queue.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void endOfStreamWithoutCloseFrameIs1006() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            opened.get(5, TimeUnit.SECONDS);
            peer.socket.shutdownOutput();
            assertThat(events.next()).isEqualTo("close 1006 ");
        }
    }

    @Test
    void messagesOver16MiBAreAnError() throws Exception {
        Recorder events = new Recorder();
        CompletableFuture<Transport.Conn> opened = transport.connect(uri(), events);
        try (Peer peer = Peer.accept(listener, new byte[0])) {
            opened.get(5, TimeUnit.SECONDS);
            long length = RawTransport.MAX_MESSAGE + 1L;
            byte[] header = {(byte) 0x81, 127, 0, 0, 0, 0, (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length};
            peer.write(header);
            assertThat(events.next()).startsWith("error java.net.ProtocolException");
            assertThat(peer.in.read()).isEqualTo(-1);
        }
    }

    @Test
    void refusedUpgradeBadAcceptAndRefusedConnectionFailTheFuture() throws Exception {
        CompletableFuture<Transport.Conn> notFound = transport.connect(uri(), new Recorder());
        try (Socket s = listener.accept()) {
            Peer.readHead(s.getInputStream());
            s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> notFound.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("404");
        }
        CompletableFuture<Transport.Conn> badAccept = transport.connect(uri(), new Recorder());
        try (Socket s = listener.accept()) {
            Peer.readHead(s.getInputStream());
            s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> badAccept.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Sec-WebSocket-Accept");
        }
        int port = listener.getLocalPort();
        listener.close();
        CompletableFuture<Transport.Conn> refused = transport.connect(URI.create("ws://127.0.0.1:" + port + "/chat"), new Recorder());
        assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThatThrownBy(() -> transport.connect(URI.create("wss://127.0.0.1:" + port + "/chat"), new Recorder())
                .get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    private URI uri() {
        return URI.create("ws://127.0.0.1:" + listener.getLocalPort() + "/chat?room=a%20b");
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** An unmasked server frame, with the shortest length encoding. */
    private static byte[] frame(boolean fin, int opcode, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n < 65536) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) n >>> (8 * i)));
            }
        }
        out.writeBytes(payload);
        return out.toByteArray();
    }

    record ClientFrame(boolean fin, int opcode, String text) {
    }

    /** The server end of one connection. */
    private static final class Peer implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;
        final String requestHead;

        private Peer(Socket socket, String requestHead) throws IOException {
            this.socket = socket;
            this.in = new DataInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.requestHead = requestHead;
        }

        static Peer accept(ServerSocket listener, byte[] afterHead) throws IOException {
            listener.setSoTimeout(5000);
            Socket s = listener.accept();
            s.setTcpNoDelay(true);
            s.setSoTimeout(5000);
            String head = readHead(s.getInputStream());
            String key = head.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow()
                    .substring("Sec-WebSocket-Key: ".length());
            assertThat(Base64.getDecoder().decode(key)).hasSize(16);
            byte[] response = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawTransport.expectedAccept(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            s.getOutputStream().write(concat(response, afterHead));
            return new Peer(s, head);
        }

        static String readHead(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("no request head: " + head);
                }
                head.append((char) c);
            }
            return head.toString();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** Writes {@code bytes} cut at the given offsets, pausing so that each piece is a read of its own. */
        void writeInPieces(byte[] bytes, int... cuts) throws Exception {
            int from = 0;
            for (int cut : cuts) {
                out.write(bytes, from, cut - from);
                out.flush();
                Thread.sleep(60);
                from = cut;
            }
            out.write(bytes, from, bytes.length - from);
            out.flush();
        }

        ClientFrame readFrame() throws IOException {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            assertThat(b1 & 0x80).as("mask bit").isEqualTo(0x80);
            long n = b1 & 0x7F;
            if (n == 126) {
                n = in.readUnsignedShort();
            } else if (n == 127) {
                n = in.readLong();
            }
            byte[] mask = new byte[4];
            in.readFully(mask);
            byte[] payload = new byte[(int) n];
            in.readFully(payload);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            // close codes go through ISO-8859-1 so that they survive as two chars
            String text = (b0 & 0x0F) == 8 ? new String(payload, StandardCharsets.ISO_8859_1)
                    : new String(payload, StandardCharsets.UTF_8);
            return new ClientFrame((b0 & 0x80) != 0, b0 & 0x0F, text);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Records what the transport reports, and on which threads. */
    private static final class Recorder implements Transport.Handler {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        final List<String> threads = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onText(String text) {
            threads.add(Thread.currentThread().getName());
            queue.add("text " + text);
        }

        @Override
        public void onClose(int code, String reason) {
            threads.add(Thread.currentThread().getName());
            queue.add("close " + code + " " + reason);
        }

        @Override
        public void onError(Throwable failure) {
            threads.add(Thread.currentThread().getName());
            queue.add("error " + failure);
        }

        String next() throws InterruptedException {
            String e = queue.poll(5, TimeUnit.SECONDS);
            assertThat(e).as("next event").isNotNull();
            return e;
        }

        List<String> next(int n) throws InterruptedException {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                events.add(next());
            }
            return events;
        }
    }
}
