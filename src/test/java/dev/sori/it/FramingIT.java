package dev.sori.it;

import static dev.sori.it.RawWebSocket.OP_BINARY;
import static dev.sori.it.RawWebSocket.OP_CLOSE;
import static dev.sori.it.RawWebSocket.OP_CONTINUATION;
import static dev.sori.it.RawWebSocket.OP_PING;
import static dev.sori.it.RawWebSocket.OP_PONG;
import static dev.sori.it.RawWebSocket.OP_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Protocol-level fuzzing with exact bytes over a raw socket, the way Autobahn's cases do it:
 * every frame a conforming client would never send gets the close code RFC 6455 asks for, the
 * server ends the TCP connection after it, and a bystander in the same room keeps chatting as
 * if nothing had happened (checked after every case).
 *
 * <p>The memory side of the same attacks (a header claiming 2^62 bytes, 100,000 fragments) is
 * measured against the real jar in {@link FramingMemoryIT}.
 */
@org.junit.jupiter.api.extension.ExtendWith(ConformanceTable.class)
class FramingIT {
    /** Generous: the machine is shared and loaded. */
    private static final Duration END_WAIT = Duration.ofSeconds(20);
    private static final int LIMIT = 64 * 1024;
    /** Tyrus's incoming buffer: {@code StandaloneServer} sets it to twice the limit. */
    private static final int INCOMING_BUFFER = 2 * LIMIT;
    /** Short, so that the case a ping timeout ends runs in seconds; JDK clients answer pings themselves. */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(4);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private static RunningServer server;
    private static TestClient watcher;
    private static TestClient talker;
    private static final AtomicInteger ROUND = new AtomicInteger();

    private RawWebSocket raw;

    @BeforeAll
    static void start() {
        server = RunningServer.start(new ChatSettings(ChatSettings.DEFAULT_MAX_MESSAGE_CHARS,
                ChatSettings.DEFAULT_MAX_PENDING_FRAMES, ChatSettings.DEFAULT_MAX_PENDING_BYTES, PING_INTERVAL,
                PING_TIMEOUT, 100_000));
        watcher = server.connect();
        talker = server.connect();
    }

    @AfterAll
    static void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (talker != null) {
            talker.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** After every case: the room carries on, unaffected. */
    @AfterEach
    void othersAreUnaffected() {
        if (raw != null) {
            raw.close();
        }
        String text = "still here " + ROUND.incrementAndGet();
        talker.ack("new_message", "{\"text\":" + TestClient.quote(text) + "}", "after-" + ROUND.get());
        JsonObject seen = watcher.next(f -> "message".equals(f.getString("type"))
                && text.equals(f.getJsonObject("payload").getString("text")));
        assertThat(seen).isNotNull();
    }

    /** A raw connection that has had its {@code welcome} (so a session exists to misbehave in). */
    private RawWebSocket connect() throws IOException {
        raw = RawWebSocket.connect(server.chat(), 0);
        RawWebSocket.Frame first = raw.readFrame();
        assertThat(first.text()).startsWith("{\"type\":\"welcome\"");
        return raw;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** The close code the server sent, after asserting that it also ended the TCP connection. */
    private int closeCode(RawWebSocket ws) throws IOException {
        RawWebSocket.Ending end = ws.awaitEnd(END_WAIT);
        assertThat(end.close()).as("a close frame, in %s", end).isNotNull();
        assertThat(end.tcpEnd()).as("the server ends TCP after its close frame, in %s", end).isTrue();
        return end.closeCode();
    }

    // ---- UTF-8 -------------------------------------------------------------------------------

    @Test
    @Conformance(group = "6 UTF-8", rule = "invalid UTF-8 in a text frame (8.1)", answer = "close 1007")
    void invalidUtf8InATextFrameCloses1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, true, concat(utf8("{\"type\":\"ping\",\"payload\":\"a"), bytes(0xC3, 0x28), utf8("\"}")));
        assertThat(closeCode(ws)).isEqualTo(1007);
    }

    @Test
    @Conformance(group = "6 UTF-8", rule = "invalid UTF-8 split across continuation frames (8.1)", answer = "close 1007")
    void invalidUtf8SplitAcrossContinuationFramesCloses1007() throws IOException {
        RawWebSocket ws = connect();
        // E2 82 opens a three-byte sequence (the euro sign); the continuation carries 0x28, not 0x80-0xBF.
        ws.sendFragment(OP_TEXT, false, concat(utf8("{\"type\":\"ping\",\"payload\":\""), bytes(0xE2, 0x82)));
        ws.sendFragment(OP_CONTINUATION, true, concat(bytes(0x28), utf8("\"}")));
        assertThat(closeCode(ws)).isEqualTo(1007);
    }

    @Test
    @Conformance(group = "6 UTF-8", rule = "a truncated multi-byte sequence at the end of a message (8.1)", answer = "close 1007")
    void aTruncatedMultiByteSequenceAtTheEndCloses1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, utf8("{\"type\":\"ping\",\"payload\":\"x\"}"));
        ws.sendFragment(OP_CONTINUATION, true, bytes(0xE2, 0x82));
        assertThat(closeCode(ws)).isEqualTo(1007);
    }

    /** The control case for the three above: a character split between fragments is fine. */
    @Test
    @Conformance(group = "6 UTF-8", rule = "a character split between fragments (5.6)", answer = "one message")
    void validUtf8SplitBetweenFragmentsIsOneMessage() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, concat(utf8("{\"type\":\"ping\",\"id\":\"p\",\"payload\":\"5"), bytes(0xE2, 0x82)));
        ws.sendFragment(OP_CONTINUATION, false, bytes(0xAC));
        ws.sendFragment(OP_CONTINUATION, true, utf8(" \uD55C\uAE00\"}"));
        assertThat(ackOf(ws, "p").getString("payload")).isEqualTo("5\u20AC \uD55C\uAE00");
    }

    // ---- size ---------------------------------------------------------------------------------

    @Test
    @Conformance(group = "9 limits", rule = "a text frame one byte over 64 KiB (7.4.1)", answer = "close 1009")
    void aFrameOverTheLimitCloses1009() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, true, filler(LIMIT + 1));
        assertThat(closeCode(ws)).isEqualTo(1009);
    }

    @Test
    @Conformance(group = "9 limits", rule = "a text frame of exactly 64 KiB", answer = "answered")
    void aFrameOfExactlyTheLimitIsAccepted() throws IOException {
        RawWebSocket ws = connect();
        String prefix = "{\"type\":\"ping\",\"id\":\"big\",\"payload\":\"";
        String text = "y".repeat(LIMIT - prefix.length() - 2);
        ws.sendFragment(OP_TEXT, true, utf8(prefix + text + "\"}"));
        assertThat(ackOf(ws, "big").getString("payload")).hasSize(text.length());
    }

    /**
     * Larger than Tyrus's incoming buffer (128 KiB, see {@code StandaloneServer}): Tyrus alone
     * answered 1011 "Buffer overflow."; the frame-header guard refuses it from its header.
     */
    @Test
    @Conformance(group = "9 limits", rule = "a frame over Tyrus's 128 KiB incoming buffer (7.4.1)", answer = "close 1009")
    void aFrameLargerThanTheIncomingBufferCloses1009() throws IOException {
        RawWebSocket ws = connect();
        try {
            ws.sendFragment(OP_TEXT, true, filler(INCOMING_BUFFER + 1024));
        } catch (IOException e) {
            // the server may close before all of it is written; the close frame is read below
        }
        assertThat(closeCode(ws)).isEqualTo(1009);
    }

    /** The header claims 2^62 bytes, and more than the incoming buffer follows. Memory: {@link FramingMemoryIT}. */
    @Test
    @Conformance(group = "9 limits", rule = "a header claiming 2^62 bytes, then 129 KiB (7.4.1)", answer = "close 1009")
    void aHeaderClaimingAHugeLengthCloses1009() throws IOException {
        RawWebSocket ws = connect();
        byte[] data = new byte[INCOMING_BUFFER + 1024];
        java.util.Arrays.fill(data, (byte) 'h');
        try {
            ws.writeFrame(true, 0, OP_TEXT, true, 1L << 62, data);
        } catch (IOException e) {
            // the server may close before all of it is written; the close frame is read below
        }
        assertThat(closeCode(ws)).isEqualTo(1009);
    }

    /**
     * A header claiming 2^62 bytes, trickled a byte at a time, and then not one byte of payload:
     * the close comes within a second of the header's length bytes (the server does not even wait
     * for the mask key, so the trickle may fail to write it), not after the ping timeout
     * ({@link #PING_TIMEOUT}) as when Tyrus waited for the payload, holding what had come.
     */
    @Test
    @Conformance(group = "9 limits", rule = "a header claiming 2^62 bytes, trickled, no payload (7.4.1)", answer = "close 1009 within 1 s of the header")
    void aTrickledHugeHeaderIsClosed1009WithinASecondOfItsHeader() throws IOException, InterruptedException {
        RawWebSocket ws = connect();
        byte[] header = RawWebSocket.frameBytes(true, 0, OP_TEXT, true, 1L << 62, new byte[0]);
        int written = 0;
        try {
            for (byte b : header) {
                ws.writeRaw(new byte[] {b});
                written++;
                Thread.sleep(100);
            }
        } catch (IOException e) {
            // closed after the length: the rest of the header was not needed
        }
        assertThat(written).as("bytes of the header written").isGreaterThanOrEqualTo(10);
        RawWebSocket.Ending end = ws.awaitEnd(Duration.ofSeconds(1));
        assertThat(end.close()).as("a close frame within a second of the header, in %s", end).isNotNull();
        assertThat(end.closeCode()).isEqualTo(1009);
        assertThat(end.tcpEnd()).as("TCP ended, in %s", end).isTrue();
    }

    /** Two fragments of 40 KiB: the second's header alone makes the message too big; its payload never comes. */
    @Test
    @Conformance(group = "9 limits", rule = "two 40 KiB fragments: the second header passes 64 KiB (7.4.1)", answer = "close 1009 before its payload")
    void aFragmentedMessageIsClosed1009AtTheHeaderThatTakesItOverTheLimit() throws IOException {
        RawWebSocket ws = connect();
        String head = "{\"type\":\"ping\",\"payload\":\"";
        ws.sendFragment(OP_TEXT, false, utf8(head + "a".repeat(40 * 1024 - head.length())));
        ws.writeRaw(RawWebSocket.frameBytes(true, 0, OP_CONTINUATION, true, 40 * 1024, new byte[0]));
        assertThat(closeCode(ws)).isEqualTo(1009);
    }

    @Test
    @Conformance(group = "9 limits", rule = "100,000 one-byte fragments (7.4.1)", answer = "close 1009")
    void aHundredThousandOneByteFragmentsOverTheLimitClose1009() throws IOException {
        RawWebSocket ws = connect();
        FramingMemoryIT.sendOneByteFragments(ws, "{\"type\":\"ping\",\"payload\":\"", 100_000, "\"}");
        assertThat(closeCode(ws)).isEqualTo(1009);
    }

    /** 60,000 fragments of one byte each make one message of 60,000 bytes, delivered whole. */
    @Test
    @Conformance(group = "5 fragmentation", rule = "60,000 one-byte fragments under the limit (5.4)", answer = "one message")
    void manyTinyFragmentsUnderTheLimitAreOneMessage() throws IOException {
        RawWebSocket ws = connect();
        String head = "{\"type\":\"ping\",\"id\":\"frag\",\"payload\":\"";
        int fillerBytes = 60_000 - head.length() - 2;
        assertThat(FramingMemoryIT.sendOneByteFragments(ws, head, fillerBytes, "\"}")).isTrue();
        assertThat(ackOf(ws, "frag").getString("payload")).isEqualTo("z".repeat(fillerBytes));
    }

    // ---- framing errors: 1002 -----------------------------------------------------------------

    /** RFC 6455 section 5.1: a server must close on an unmasked client frame (Tyrus alone read it like a masked one). */
    @Test
    @Conformance(group = "1 framing", rule = "an unmasked client text frame (5.1)", answer = "close 1002, frame not processed")
    void anUnmaskedClientFrameCloses1002() throws IOException {
        RawWebSocket ws = connect();
        byte[] payload = utf8("{\"type\":\"ping\",\"id\":\"bare\",\"payload\":\"unmasked\"}");
        ws.writeFrame(true, 0, OP_TEXT, false, payload.length, payload);
        RawWebSocket.Ending end = ws.awaitEnd(END_WAIT);
        assertThat(end.closeCode()).as("%s", end).isEqualTo(1002);
        assertThat(end.tcpEnd()).isTrue();
        assertThat(end.before()).as("the unmasked frame was not processed").noneMatch(f -> f.text().contains("bare"));
    }

    /** A control frame unmasked, too; and the frames before it were handled as usual. */
    @Test
    @Conformance(group = "1 framing", rule = "an unmasked ping after a good frame in the same write (5.1)", answer = "good frame answered, then close 1002")
    void anUnmaskedPingAfterAGoodFrameCloses1002AfterTheGoodOneIsAnswered() throws IOException {
        RawWebSocket ws = connect();
        byte[] good = utf8("{\"type\":\"ping\",\"id\":\"good\"}");
        ws.writeRaw(concat(RawWebSocket.frameBytes(true, 0, OP_TEXT, true, good.length, good),
                RawWebSocket.frameBytes(true, 0, OP_PING, false, 2, utf8("hi"))));
        RawWebSocket.Ending end = ws.awaitEnd(END_WAIT);
        assertThat(end.closeCode()).as("%s", end).isEqualTo(1002);
        assertThat(end.before()).as("the good frame's ack came first").anyMatch(f -> f.text().contains("\"good\""));
    }

    /** RSV1, RSV2, RSV3: no extension was negotiated, so none may be set. */
    @ParameterizedTest(name = "rsv={0}")
    @ValueSource(ints = {4, 2, 1})
    @Conformance(group = "3 reserved bits", rule = "RSV1, RSV2 or RSV3 set, no extension (5.2)", answer = "close 1002")
    void aReservedBitCloses1002(int rsv) throws IOException {
        RawWebSocket ws = connect();
        byte[] payload = utf8("{\"type\":\"ping\"}");
        ws.writeFrame(true, rsv, OP_TEXT, true, payload.length, payload);
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @ParameterizedTest(name = "opcode=0x{0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    @Conformance(group = "4 opcodes", rule = "reserved opcodes 0x3-0x7, 0xB-0xF (5.2)", answer = "close 1002")
    void aReservedOpcodeCloses1002(int opcode) throws IOException {
        RawWebSocket ws = connect();
        ws.writeFrame(true, 0, opcode, true, 3, utf8("abc"));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @Test
    @Conformance(group = "2 pings/pongs", rule = "a ping of 126 bytes (5.5)", answer = "close 1002")
    void aPingPayloadOver125BytesCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_PING, true, new byte[126]);
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @ParameterizedTest(name = "opcode=0x{0}")
    @ValueSource(ints = {OP_CLOSE, OP_PONG})
    @Conformance(group = "2 pings/pongs", rule = "a close or pong of 126 bytes (5.5)", answer = "close 1002")
    void aCloseOrPongPayloadOver125BytesCloses1002(int opcode) throws IOException {
        RawWebSocket ws = connect();
        byte[] payload = new byte[126];
        payload[0] = 0x03;
        payload[1] = (byte) 0xE8;
        ws.sendFragment(opcode, true, payload);
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a fragmented ping (5.5)", answer = "close 1002")
    void aFragmentedControlFrameCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_PING, false, utf8("part"));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a continuation with no message open (5.4)", answer = "close 1002")
    void aContinuationWithoutAStartCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CONTINUATION, true, utf8("{\"type\":\"ping\"}"));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a new text frame while a message is open (5.4)", answer = "close 1002")
    void aNewDataFrameWhileAFragmentedOneIsOpenCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, utf8("{\"type\":"));
        ws.sendFragment(OP_TEXT, true, utf8("{\"type\":\"ping\"}"));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    // ---- binary -------------------------------------------------------------------------------

    @Test
    @Conformance(group = "1 framing", rule = "a binary frame (the protocol is text)", answer = "error `unsupported`, connection lives")
    void aBinaryFrameIsAnUnsupportedErrorAndTheConnectionCarriesOn() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_BINARY, true, bytes(1, 2, 3, 0xFF));
        JsonObject error = nextMatching(ws, f -> "error".equals(f.getString("type")));
        assertThat(error.getJsonObject("payload").getString("code")).isEqualTo("unsupported");
        ws.sendText("{\"type\":\"new_message\",\"id\":\"after-binary\",\"payload\":{\"text\":\"binary survivor\"}}");
        assertThat(nextMatching(ws, f -> "after-binary".equals(f.getString("id", null))).getString("type"))
                .isEqualTo("ack");
        watcher.next(f -> "message".equals(f.getString("type"))
                && "binary survivor".equals(f.getJsonObject("payload").getString("text")));
    }

    // ---- close frames -------------------------------------------------------------------------

    @ParameterizedTest(name = "code={0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000})
    @Conformance(group = "7 close", rule = "close with code 0, 999, 1004-1006, 1015, 2999, 5000 (7.4.1)", answer = "close 1002")
    void aCloseWithAnInvalidCodeIsAnsweredWith1002(int code) throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(code, new byte[0]));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @ParameterizedTest(name = "code={0}")
    @ValueSource(ints = {1000, 3000, 4000})
    @Conformance(group = "7 close", rule = "close with 1000, 3000 or 4000 (5.5.1)", answer = "echoed")
    void aValidCloseIsEchoed(int code) throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(code, utf8("bye")));
        assertThat(closeCode(ws)).isEqualTo(code);
    }

    @Test
    @Conformance(group = "7 close", rule = "close with a one-byte payload (5.5.1)", answer = "close 1002")
    void aCloseWithAOneBytePayloadIsAnsweredWith1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, bytes(0x03));
        assertThat(closeCode(ws)).isEqualTo(1002);
    }

    @Test
    @Conformance(group = "7 close", rule = "close reason that is not UTF-8 (5.5.1)", answer = "close 1007")
    void aCloseReasonThatIsNotUtf8IsAnsweredWith1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(1000, bytes('o', 'k', 0xFF, 0xFE)));
        assertThat(closeCode(ws)).isEqualTo(1007);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static byte[] filler(int bytes) {
        String head = "{\"type\":\"ping\",\"payload\":\"";
        return utf8(head + "f".repeat(bytes - head.length() - 2) + "\"}");
    }

    private static JsonObject ackOf(RawWebSocket ws, String id) throws IOException {
        JsonObject reply = nextMatching(ws, f -> id.equals(f.getString("id", null)));
        assertThat(reply.getString("type")).as("reply %s", reply).isEqualTo("ack");
        return reply;
    }

    private static JsonObject nextMatching(RawWebSocket ws, java.util.function.Predicate<JsonObject> wanted)
            throws IOException {
        while (true) {
            RawWebSocket.Frame f = ws.readFrame();
            assertThat(f.opcode()).as("frame %s", f).isNotEqualTo(OP_CLOSE);
            if (f.opcode() == OP_TEXT) {
                JsonObject json = ItSupport.parse(f.text());
                if (wanted.test(json)) {
                    return json;
                }
            }
        }
    }
}
