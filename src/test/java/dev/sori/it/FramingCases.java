package dev.sori.it;

import static dev.sori.it.RawWebSocket.OP_BINARY;
import static dev.sori.it.RawWebSocket.OP_CLOSE;
import static dev.sori.it.RawWebSocket.OP_CONTINUATION;
import static dev.sori.it.RawWebSocket.OP_PING;
import static dev.sori.it.RawWebSocket.OP_PONG;
import static dev.sori.it.RawWebSocket.OP_TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.TestClient;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The raw-frame cases, with exact bytes over a raw socket the way Autobahn's cases do it, run
 * against one target per subclass: {@code server.jar} ({@link FramingIT}), the WAR on Payara
 * and on WildFly ({@code dev.sori.deploy.PayaraFramingIT}, {@code WildFlyFramingIT}). The target
 * is started once for all cases.
 *
 * <p>Every case reports what the target answered, in the words of the conformance table
 * ({@link #answered}): {@code close N} (a close frame with code N, then the server ended TCP),
 * {@code processed} (the frame was answered as a good one), {@code held open until timeout}
 * (nothing within {@link #answerWait()}), and a few more. A strict target ({@code server.jar})
 * must give exactly the answer the case's {@link Conformance} names, or the case fails; the WAR
 * targets run on containers whose frame parser is not Sori's, so there the answer is recorded
 * for the table ({@link ConformanceTable}) and a different one is not a failure. On every target,
 * a bystander in the same room keeps chatting after every case, or the case fails.
 *
 * <p>The memory side of the same attacks (a header claiming 2^62 bytes, 100,000 fragments) is
 * measured against the real jar in {@link FramingMemoryIT}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConformanceTable.class)
public abstract class FramingCases {
    private static final int LIMIT = 64 * 1024;
    /** Tyrus's incoming buffer in {@code server.jar}: {@code StandaloneServer} sets it to twice the limit. */
    private static final int JAR_INCOMING_BUFFER = 2 * LIMIT;
    /** Tyrus's own default incoming buffer (4 MiB + 11 bytes of frame header), Payara's unless the WAR says otherwise. */
    private static final int TYRUS_DEFAULT_INCOMING_BUFFER = 4 * 1024 * 1024 + 11;

    /**
     * The wait for cases that give the target much to read first (tens of thousands of fragments,
     * megabytes): Payara takes seconds over 60,000 fragments on a loaded machine, which is slow,
     * not held open.
     */
    private static final Duration WORK_WAIT = Duration.ofSeconds(30);

    private static final AtomicInteger ROUND = new AtomicInteger();

    private TestClient watcher;
    private TestClient talker;
    private URI chat;
    private RawWebSocket raw;
    private Method currentCase;
    private String currentVariant;
    /** Per case, per variant (display name): the answer seen. Read by {@link ConformanceTable}. */
    private final Map<Method, Map<String, String>> answers = new ConcurrentHashMap<>();

    // ---- the target ---------------------------------------------------------------------------

    /** Starts the target and returns its WebSocket URI ({@code ws://HOST:PORT/PATH/chat}). */
    protected abstract URI startTarget();

    /** Stops the target. */
    protected abstract void stopTarget();

    /** The table's column this target fills: one of {@link ConformanceTable#COLUMNS}. */
    protected abstract String column();

    /** True: every case must give the answer its {@link Conformance} names. False: record what comes. */
    protected abstract boolean strict();

    /** How long to wait for an answer before calling the connection held open. */
    protected abstract Duration answerWait();

    final Map<Method, Map<String, String>> answers() {
        return answers;
    }

    final String columnName() {
        return column();
    }

    @BeforeAll
    final void start() {
        chat = startTarget();
        watcher = TestClient.connect(chat);
        talker = TestClient.connect(chat);
    }

    @AfterAll
    final void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (talker != null) {
            talker.close();
        }
        stopTarget();
    }

    @BeforeEach
    final void currentCase(TestInfo info) {
        currentCase = info.getTestMethod().orElseThrow();
        currentVariant = info.getDisplayName();
    }

    /** After every case: the room carries on, unaffected. */
    @AfterEach
    final void othersAreUnaffected() {
        if (raw != null) {
            raw.close();
        }
        String text = "still here " + ROUND.incrementAndGet();
        talker.ack("new_message", "{\"text\":" + TestClient.quote(text) + "}", "after-" + ROUND.get());
        JsonObject seen = watcher.next(f -> "message".equals(f.getString("type"))
                && text.equals(f.getJsonObject("payload").getString("text")));
        assertThat(seen).isNotNull();
    }

    /**
     * Records what the target answered to the current case; on a strict target, also asserts
     * that it is the answer the case's {@link Conformance} names.
     */
    private void answered(String answer) {
        answers.computeIfAbsent(currentCase, m -> Collections.synchronizedMap(new LinkedHashMap<>()))
                .put(currentVariant, answer);
        if (strict()) {
            assertThat(answer).as("the answer to: %s", currentCase.getAnnotation(Conformance.class).rule())
                    .isEqualTo(currentCase.getAnnotation(Conformance.class).answer());
        }
    }

    // ---- UTF-8 -------------------------------------------------------------------------------

    @Test
    @Conformance(group = "6 UTF-8", rule = "invalid UTF-8 in a text frame (8.1)", answer = "close 1007")
    void invalidUtf8InATextFrameCloses1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, true, concat(utf8("{\"type\":\"ping\",\"id\":\"p\",\"payload\":\"a"), bytes(0xC3, 0x28), utf8("\"}")));
        answered(ending(ws, reply("p"), "processed"));
    }

    @Test
    @Conformance(group = "6 UTF-8", rule = "invalid UTF-8 split across continuation frames (8.1)", answer = "close 1007")
    void invalidUtf8SplitAcrossContinuationFramesCloses1007() throws IOException {
        RawWebSocket ws = connect();
        // E2 82 opens a three-byte sequence (the euro sign); the continuation carries 0x28, not 0x80-0xBF.
        ws.sendFragment(OP_TEXT, false, concat(utf8("{\"type\":\"ping\",\"id\":\"p\",\"payload\":\""), bytes(0xE2, 0x82)));
        ws.sendFragment(OP_CONTINUATION, true, concat(bytes(0x28), utf8("\"}")));
        answered(ending(ws, reply("p"), "processed"));
    }

    @Test
    @Conformance(group = "6 UTF-8", rule = "a truncated multi-byte sequence at the end of a message (8.1)", answer = "close 1007")
    void aTruncatedMultiByteSequenceAtTheEndCloses1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, utf8("{\"type\":\"ping\",\"payload\":\"x\"}"));
        ws.sendFragment(OP_CONTINUATION, true, bytes(0xE2, 0x82));
        answered(ending(ws, null, null));
    }

    /** The control case for the three above: a character split between fragments is fine. */
    @Test
    @Conformance(group = "6 UTF-8", rule = "a character split between fragments (5.6)", answer = "one message")
    void validUtf8SplitBetweenFragmentsIsOneMessage() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, concat(utf8("{\"type\":\"ping\",\"id\":\"p\",\"payload\":\"5"), bytes(0xE2, 0x82)));
        ws.sendFragment(OP_CONTINUATION, false, bytes(0xAC));
        ws.sendFragment(OP_CONTINUATION, true, utf8(" \uD55C\uAE00\"}"));
        answered(ackPayload(ws, "p", "5\u20AC \uD55C\uAE00", "one message"));
    }

    // ---- size ---------------------------------------------------------------------------------

    @Test
    @Conformance(group = "9 limits", rule = "a text frame one byte over 64 KiB (7.4.1)", answer = "close 1009")
    void aFrameOverTheLimitCloses1009() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, true, filler(LIMIT + 1));
        answered(ending(ws, reply("f"), "processed"));
    }

    @Test
    @Conformance(group = "9 limits", rule = "a text frame of exactly 64 KiB", answer = "processed")
    void aFrameOfExactlyTheLimitIsAccepted() throws IOException {
        RawWebSocket ws = connect();
        String prefix = "{\"type\":\"ping\",\"id\":\"big\",\"payload\":\"";
        String text = "y".repeat(LIMIT - prefix.length() - 2);
        ws.sendFragment(OP_TEXT, true, utf8(prefix + text + "\"}"));
        answered(ackPayload(ws, "big", text, "processed"));
    }

    /**
     * Larger than {@code server.jar}'s Tyrus incoming buffer (128 KiB, see
     * {@code StandaloneServer}): Tyrus alone answered 1011 "Buffer overflow."; the frame-header
     * guard refuses it from its header.
     */
    @Test
    @Conformance(group = "9 limits", rule = "a text frame of 129 KiB (over `server.jar`'s 128 KiB Tyrus buffer) (7.4.1)", answer = "close 1009")
    void aFrameLargerThanTheIncomingBufferCloses1009() throws IOException {
        RawWebSocket ws = connect();
        try {
            ws.sendFragment(OP_TEXT, true, filler(JAR_INCOMING_BUFFER + 1024));
        } catch (IOException e) {
            // the server may close before all of it is written; the close frame is read below
        }
        answered(ending(ws, reply("f"), "processed"));
    }

    /** Larger than Tyrus's default incoming buffer (4 MiB), which Payara uses unless told otherwise. */
    @Test
    @Conformance(group = "9 limits", rule = "a text frame of 4 MiB + 1 KiB (over Tyrus's default 4 MiB buffer) (7.4.1)", answer = "close 1009")
    void aFrameLargerThanTyrussDefaultBufferCloses1009() throws IOException {
        RawWebSocket ws = connect();
        try {
            ws.sendFragment(OP_TEXT, true, filler(TYRUS_DEFAULT_INCOMING_BUFFER + 1024));
        } catch (IOException e) {
            // the server may close before all of it is written; the close frame is read below
        }
        answered(ending(ws, reply("f"), "processed", longer(WORK_WAIT)));
    }

    /** The header claims 2^62 bytes, and more than the incoming buffer follows. Memory: {@link FramingMemoryIT}. */
    @Test
    @Conformance(group = "9 limits", rule = "a header claiming 2^62 bytes, then 129 KiB (7.4.1)", answer = "close 1009")
    void aHeaderClaimingAHugeLengthCloses1009() throws IOException {
        RawWebSocket ws = connect();
        byte[] data = new byte[JAR_INCOMING_BUFFER + 1024];
        java.util.Arrays.fill(data, (byte) 'h');
        try {
            ws.writeFrame(true, 0, OP_TEXT, true, 1L << 62, data);
        } catch (IOException e) {
            // the server may close before all of it is written; the close frame is read below
        }
        answered(ending(ws, null, null));
    }

    /**
     * A header claiming 2^62 bytes, trickled a byte at a time, and then not one byte of payload:
     * {@code server.jar} closes within a second of the header's length bytes (it does not even
     * wait for the mask key, so the trickle may fail to write it), not after the ping timeout as
     * when Tyrus waited for the payload, holding what had come.
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
        long headerSent = System.nanoTime();
        Ending end = end(ws, null);
        if (end.closeCode() > 0 && end.words().startsWith("close ")) {
            double seconds = (end.closeNanos() - headerSent) / 1e9;
            answered(seconds <= 1.0 ? end.words() + " within 1 s of the header"
                    : String.format(java.util.Locale.ROOT, "%s after %.0f s", end.words(), seconds));
        } else {
            answered(end.words());
        }
    }

    /** Two fragments of 40 KiB: the second's header alone makes the message too big; its payload never comes. */
    @Test
    @Conformance(group = "9 limits", rule = "two 40 KiB fragments: the second header passes 64 KiB (7.4.1)", answer = "close 1009 before its payload")
    void aFragmentedMessageIsClosed1009AtTheHeaderThatTakesItOverTheLimit() throws IOException {
        RawWebSocket ws = connect();
        String head = "{\"type\":\"ping\",\"payload\":\"";
        ws.sendFragment(OP_TEXT, false, utf8(head + "a".repeat(40 * 1024 - head.length())));
        ws.writeRaw(RawWebSocket.frameBytes(true, 0, OP_CONTINUATION, true, 40 * 1024, new byte[0]));
        String answer = ending(ws, null, null);
        answered(answer.startsWith("close ") && !answer.contains(",") ? answer + " before its payload" : answer);
    }

    @Test
    @Conformance(group = "9 limits", rule = "100,000 one-byte fragments (7.4.1)", answer = "close 1009")
    void aHundredThousandOneByteFragmentsOverTheLimitClose1009() throws IOException {
        RawWebSocket ws = connect();
        FramingMemoryIT.sendOneByteFragments(ws, "{\"type\":\"ping\",\"id\":\"f\",\"payload\":\"", 100_000, "\"}");
        answered(ending(ws, reply("f"), "processed", longer(WORK_WAIT)));
    }

    /** 60,000 fragments of one byte each make one message of 60,000 bytes, delivered whole. */
    @Test
    @Conformance(group = "5 fragmentation", rule = "60,000 one-byte fragments under the limit (5.4)", answer = "one message")
    void manyTinyFragmentsUnderTheLimitAreOneMessage() throws IOException {
        RawWebSocket ws = connect();
        String head = "{\"type\":\"ping\",\"id\":\"frag\",\"payload\":\"";
        int fillerBytes = 60_000 - head.length() - 2;
        assertThat(FramingMemoryIT.sendOneByteFragments(ws, head, fillerBytes, "\"}")).isTrue();
        answered(ackPayload(ws, "frag", "z".repeat(fillerBytes), "one message", longer(WORK_WAIT)));
    }

    // ---- framing errors: 1002 -----------------------------------------------------------------

    /** RFC 6455 section 5.1: a server must close on an unmasked client frame (Tyrus alone read it like a masked one). */
    @Test
    @Conformance(group = "1 framing", rule = "an unmasked client text frame (5.1)", answer = "close 1002")
    void anUnmaskedClientFrameCloses1002() throws IOException {
        RawWebSocket ws = connect();
        byte[] payload = utf8("{\"type\":\"ping\",\"id\":\"bare\",\"payload\":\"unmasked\"}");
        ws.writeFrame(true, 0, OP_TEXT, false, payload.length, payload);
        answered(ending(ws, reply("bare"), "processed"));
    }

    /** A control frame unmasked, too; and the frames before it were handled as usual. */
    @Test
    @Conformance(group = "1 framing", rule = "an unmasked ping after a good frame in the same write (5.1)", answer = "good frame answered, then close 1002")
    void anUnmaskedPingAfterAGoodFrameCloses1002AfterTheGoodOneIsAnswered() throws IOException {
        RawWebSocket ws = connect();
        byte[] good = utf8("{\"type\":\"ping\",\"id\":\"good\"}");
        ws.writeRaw(concat(RawWebSocket.frameBytes(true, 0, OP_TEXT, true, good.length, good),
                RawWebSocket.frameBytes(true, 0, OP_PING, false, 2, utf8("hi"))));
        Ending end = end(ws, f -> f.opcode() == OP_PONG);
        boolean goodAnswered = end.before().stream().anyMatch(reply("good"));
        String rest = end.processed() ? "ping answered (pong)" + (end.close() == null ? ", connection lives"
                : ", then " + end.words()) : end.words();
        answered((goodAnswered ? "good frame answered, then " : "good frame not answered, ") + rest);
    }

    /** RSV1, RSV2, RSV3: no extension was negotiated, so none may be set. */
    @ParameterizedTest(name = "rsv={0}")
    @ValueSource(ints = {4, 2, 1})
    @Conformance(group = "3 reserved bits", rule = "RSV1, RSV2 or RSV3 set, no extension (5.2)", answer = "close 1002")
    void aReservedBitCloses1002(int rsv) throws IOException {
        RawWebSocket ws = connect();
        byte[] payload = utf8("{\"type\":\"ping\",\"id\":\"p\"}");
        ws.writeFrame(true, rsv, OP_TEXT, true, payload.length, payload);
        answered(ending(ws, reply("p"), "processed"));
    }

    @ParameterizedTest(name = "opcode=0x{0}")
    @ValueSource(ints = {0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF})
    @Conformance(group = "4 opcodes", rule = "reserved opcodes 0x3-0x7, 0xB-0xF (5.2)", answer = "close 1002")
    void aReservedOpcodeCloses1002(int opcode) throws IOException {
        RawWebSocket ws = connect();
        ws.writeFrame(true, 0, opcode, true, 3, utf8("abc"));
        answered(ending(ws, null, null));
    }

    @Test
    @Conformance(group = "2 pings/pongs", rule = "a ping of 126 bytes (5.5)", answer = "close 1002")
    void aPingPayloadOver125BytesCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_PING, true, new byte[126]);
        answered(ending(ws, f -> f.opcode() == OP_PONG, "answered (pong)"));
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
        answered(ending(ws, null, null));
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a fragmented ping (5.5)", answer = "close 1002")
    void aFragmentedControlFrameCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_PING, false, utf8("part"));
        answered(ending(ws, f -> f.opcode() == OP_PONG, "answered (pong)"));
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a continuation with no message open (5.4)", answer = "close 1002")
    void aContinuationWithoutAStartCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CONTINUATION, true, utf8("{\"type\":\"ping\",\"id\":\"p\"}"));
        answered(ending(ws, reply("p"), "processed"));
    }

    @Test
    @Conformance(group = "5 fragmentation", rule = "a new text frame while a message is open (5.4)", answer = "close 1002")
    void aNewDataFrameWhileAFragmentedOneIsOpenCloses1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_TEXT, false, utf8("{\"type\":"));
        ws.sendFragment(OP_TEXT, true, utf8("{\"type\":\"ping\",\"id\":\"p\"}"));
        answered(ending(ws, reply("p"), "processed"));
    }

    // ---- binary -------------------------------------------------------------------------------

    @Test
    @Conformance(group = "1 framing", rule = "a binary frame (the protocol is text)", answer = "error `unsupported`, connection lives")
    void aBinaryFrameIsAnUnsupportedErrorAndTheConnectionCarriesOn() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_BINARY, true, bytes(1, 2, 3, 0xFF));
        Ending error = end(ws, f -> f.opcode() == OP_TEXT && f.text().startsWith("{\"type\":\"error\""), true);
        if (!error.processed()) {
            answered(error.words());
            return;
        }
        String code = ItSupport.parse(error.before().get(error.before().size() - 1).text())
                .getJsonObject("payload").getString("code");
        ws.sendText("{\"type\":\"new_message\",\"id\":\"after-binary\",\"payload\":{\"text\":\"binary survivor\"}}");
        Ending after = end(ws, reply("after-binary"), true);
        if (after.processed()) {
            watcher.next(f -> "message".equals(f.getString("type"))
                    && "binary survivor".equals(f.getJsonObject("payload").getString("text")));
        }
        answered("error `" + code + "`, " + (after.processed() ? "connection lives" : "then " + after.words()));
    }

    // ---- close frames -------------------------------------------------------------------------

    @ParameterizedTest(name = "code={0}")
    @ValueSource(ints = {0, 999, 1004, 1005, 1006, 1015, 2999, 5000})
    @Conformance(group = "7 close", rule = "close with code 0, 999, 1004-1006, 1015, 2999, 5000 (7.4.1)", answer = "close 1002")
    void aCloseWithAnInvalidCodeIsAnsweredWith1002(int code) throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(code, new byte[0]));
        answered(ending(ws, null, null));
    }

    @ParameterizedTest(name = "code={0}")
    @ValueSource(ints = {1000, 3000, 4000})
    @Conformance(group = "7 close", rule = "close with 1000, 3000 or 4000 (5.5.1)", answer = "echoed")
    void aValidCloseIsEchoed(int code) throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(code, utf8("bye")));
        String answer = ending(ws, null, null);
        answered(answer.equals("close " + code) ? "echoed" : answer);
    }

    @Test
    @Conformance(group = "7 close", rule = "close with a one-byte payload (5.5.1)", answer = "close 1002")
    void aCloseWithAOneBytePayloadIsAnsweredWith1002() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, bytes(0x03));
        answered(ending(ws, null, null));
    }

    @Test
    @Conformance(group = "7 close", rule = "close reason that is not UTF-8 (5.5.1)", answer = "close 1007")
    void aCloseReasonThatIsNotUtf8IsAnsweredWith1007() throws IOException {
        RawWebSocket ws = connect();
        ws.sendFragment(OP_CLOSE, true, RawWebSocket.closePayload(1000, bytes('o', 'k', 0xFF, 0xFE)));
        answered(ending(ws, null, null));
    }

    /**
     * Peers that close as soon as they are welcomed, many at once, each one's join and leave a
     * broadcast to the others (as the page's helper sockets in {@code BrowserIT}, where Chromium
     * once failed one with "Data frame received after close"). Each reads to the end of TCP;
     * nothing may follow the server's close frame. {@code CloseFrameLastIT} presses harder on the
     * jar; here the WAR targets' default per-address cap (64) bounds the peers at once.
     */
    @Test
    @Conformance(group = "7 close", rule = "nothing after the server's close frame: 1,000 peers closing on their welcome, 40 at a time (5.5.1)",
            answer = "nothing after the close")
    void nothingFollowsTheServersCloseFrame() throws Exception {
        int atOnce = 40;
        int rounds = 25;
        java.util.List<RawWebSocket.AfterOwnClose> endings = RawWebSocket.closingOnWelcome(chat, atOnce, rounds);
        long late = endings.stream().filter(e -> !e.after().isEmpty()).count();
        long unanswered = endings.stream().filter(e -> e.closeCode() == -1).count();
        answered(late > 0 ? "frames after the close for " + late + " of " + atOnce * rounds + " peers"
                : unanswered > 0 ? "no close frame for " + unanswered + " of " + atOnce * rounds + " peers"
                : "nothing after the close");
    }

    // ---- what the target answered -------------------------------------------------------------

    /**
     * What came back after a case's frames, up to the close or the end of the wait.
     *
     * @param words      the answer in the table's words
     * @param close      the server's close frame, or null
     * @param closeNanos when the close frame (or the end of TCP) arrived, {@link System#nanoTime()}
     * @param processed  whether a frame that {@code sign} matches came before the end
     * @param before     every frame before the end
     */
    private record Ending(String words, RawWebSocket.Frame close, long closeNanos, boolean processed,
                          java.util.List<RawWebSocket.Frame> before) {
        int closeCode() {
            return close == null ? -1 : close.closeCode();
        }
    }

    /**
     * The answer after a case's frames: {@code close N} (the close frame, and the server then
     * ended TCP), {@code close N, TCP left open}, {@code TCP ended without a close frame}, or
     * {@code held open until timeout (N s)}; prefixed with {@code processedWords} when a frame
     * matching {@code sign} (the reply a good frame would get) came first.
     */
    private String ending(RawWebSocket ws, Predicate<RawWebSocket.Frame> sign, String processedWords) throws IOException {
        return ending(ws, sign, processedWords, answerWait());
    }

    private String ending(RawWebSocket ws, Predicate<RawWebSocket.Frame> sign, String processedWords, Duration wait)
            throws IOException {
        Ending end = end(ws, sign, false, wait);
        if (!end.processed()) {
            return end.words();
        }
        return end.close() == null && !end.words().startsWith("TCP")
                ? processedWords + ", connection lives" : processedWords + ", then " + end.words();
    }

    private Ending end(RawWebSocket ws, Predicate<RawWebSocket.Frame> sign) throws IOException {
        return end(ws, sign, false, answerWait());
    }

    private Ending end(RawWebSocket ws, Predicate<RawWebSocket.Frame> sign, boolean stopAtSign) throws IOException {
        return end(ws, sign, stopAtSign, answerWait());
    }

    /**
     * Reads until the server's close frame and the end of TCP, the end of the wait, or (when
     * {@code stopAtSign}) the first frame matching {@code sign}.
     */
    private Ending end(RawWebSocket ws, Predicate<RawWebSocket.Frame> sign, boolean stopAtSign, Duration wait)
            throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        java.util.List<RawWebSocket.Frame> before = new java.util.ArrayList<>();
        boolean processed = false;
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                ws.socket().setSoTimeout((int) left);
                RawWebSocket.Frame f = ws.readFrame();
                if (f.opcode() == OP_CLOSE) {
                    long at = System.nanoTime();
                    String words = "close " + f.closeCode() + (tcpEnds(ws) ? "" : ", TCP left open");
                    return new Ending(words, f, at, processed, before);
                }
                before.add(f);
                if (sign != null && sign.test(f)) {
                    processed = true;
                    if (stopAtSign) {
                        return new Ending("processed", null, 0, true, before);
                    }
                }
            }
        } catch (SocketTimeoutException e) {
            return new Ending("held open until timeout (" + wait.toSeconds() + " s)", null, 0, processed, before);
        } catch (EOFException | SocketException e) {
            return new Ending("TCP ended without a close frame", null, System.nanoTime(), processed, before);
        }
    }

    private Duration longer(Duration wait) {
        return wait.compareTo(answerWait()) > 0 ? wait : answerWait();
    }

    /** Whether the server ends TCP after its close frame (RFC 6455 §7.1.1: the server closes first), without a reply. */
    private boolean tcpEnds(RawWebSocket ws) throws IOException {
        ws.socket().setSoTimeout((int) Math.max(2_000, answerWait().toMillis()));
        InputStream in = ws.socket().getInputStream();
        try {
            while (in.read() >= 0) {
                // drain anything after the close frame (there should be nothing)
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true; // reset: ended all the same
        }
    }

    /** The reply a frame with this {@code id} gets when it is processed (an ack or an error). */
    private static Predicate<RawWebSocket.Frame> reply(String id) {
        return f -> f.opcode() == OP_TEXT && f.text().contains("\"id\":\"" + id + "\"");
    }

    /** {@code words} when the ack to {@code id} carries {@code payload}; else what came instead. */
    private String ackPayload(RawWebSocket ws, String id, String payload, String words) throws IOException {
        return ackPayload(ws, id, payload, words, answerWait());
    }

    private String ackPayload(RawWebSocket ws, String id, String payload, String words, Duration wait)
            throws IOException {
        Ending end = end(ws, reply(id), true, wait);
        if (!end.processed()) {
            return end.words();
        }
        JsonObject reply = ItSupport.parse(end.before().get(end.before().size() - 1).text());
        if (!"ack".equals(reply.getString("type"))) {
            return "error `" + reply.getJsonObject("payload").getString("code") + "`";
        }
        return payload.equals(reply.getString("payload")) ? words : "a different message";
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** A raw connection that has had its {@code welcome} (so a session exists to misbehave in). */
    private RawWebSocket connect() throws IOException {
        raw = RawWebSocket.connect(chat, 0);
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

    /** A ping request of exactly {@code bytes} bytes, with the id {@code f}. */
    private static byte[] filler(int bytes) {
        String head = "{\"type\":\"ping\",\"id\":\"f\",\"payload\":\"";
        return utf8(head + "f".repeat(bytes - head.length() - 2) + "\"}");
    }
}
