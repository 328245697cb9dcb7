package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.glassfish.tyrus.spi.CompletionHandler;
import org.glassfish.tyrus.spi.Writer;
import org.glassfish.tyrus.spi.WriterInfo;
import org.junit.jupiter.api.Test;

/**
 * Nothing reaches the transport after a close frame, whichever thread writes what, and a close
 * frame waits for a write that was let through before it (RFC 6455 §5.5.1).
 */
class CloseLastWriterTest {
    private static final WriterInfo TEXT = new WriterInfo(WriterInfo.MessageType.TEXT, WriterInfo.RemoteEndpointType.ASYNC);
    private static final WriterInfo CLOSE = new WriterInfo(WriterInfo.MessageType.CLOSE, WriterInfo.RemoteEndpointType.SUPER);

    @Test
    void framesPassInOrderUntilTheCloseAndNothingAfterIt() {
        Transport transport = new Transport();
        CloseLastWriter writer = new CloseLastWriter(transport, transport);

        Outcome chat = new Outcome();
        writer.writeFrames(text("from the room"), chat);
        Outcome tyrusText = new Outcome();
        writer.write(text("from Tyrus"), tyrusText, TEXT);
        writer.write(pong(), new Outcome());
        writer.write(close(1000), new Outcome(), CLOSE);

        Outcome chatAfter = new Outcome();
        writer.writeFrames(text("one broadcast too late"), chatAfter);
        Outcome tyrusAfter = new Outcome();
        writer.write(text("Tyrus, closing"), tyrusAfter, TEXT);
        Outcome secondClose = new Outcome();
        writer.write(close(1001), secondClose, CLOSE);

        assertThat(transport.seen()).containsExactly("text from the room", "text from Tyrus", "pong", "close");
        assertThat(chat.failure.get()).isNull();
        assertThat(tyrusText.failure.get()).isNull();
        for (Outcome refused : List.of(chatAfter, tyrusAfter, secondClose)) {
            assertThat(refused.failure.get()).isInstanceOf(WriteRefused.class)
                    .hasMessage("the close frame has been sent");
        }
    }

    @Test
    void theCloseIsToldByItsOpcodeWhenTyrusPassesNoInfo() {
        Transport transport = new Transport();
        CloseLastWriter writer = new CloseLastWriter(transport, transport);
        writer.write(close(1000), new Outcome());
        Outcome after = new Outcome();
        writer.writeFrames(text("late"), after);

        assertThat(transport.seen()).containsExactly("close");
        assertThat(after.failure.get()).isInstanceOf(WriteRefused.class);
    }

    /**
     * Tyrus closes a connection whose peer went away without a close frame by writing one all the
     * same: where the chat's writer knows the connection is gone, the close is refused without
     * troubling the transport, and so is everything after it.
     */
    @Test
    void aCloseForAConnectionAlreadyGoneIsRefusedWithoutTheTransport() {
        Transport transport = new Transport();
        Transport shortcut = new GoneShortcut();
        CloseLastWriter writer = new CloseLastWriter(transport, shortcut);
        Outcome close = new Outcome();
        writer.write(close(1000), close, CLOSE);
        Outcome after = new Outcome();
        writer.writeFrames(text("late"), after);

        assertThat(transport.seen()).isEmpty();
        assertThat(shortcut.seen()).isEmpty();
        assertThat(close.failure.get()).isInstanceOf(WriteRefused.class).hasMessage("the connection is closed");
        assertThat(close.failure.get().getStackTrace()).isEmpty();
        assertThat(after.failure.get()).hasMessage("the close frame has been sent");
    }

    /** While its connection is gone, only a close is refused early: Tyrus's other writes still reach its writer. */
    @Test
    void otherFramesForAConnectionGoneStillReachTheTransport() {
        Transport transport = new Transport();
        CloseLastWriter writer = new CloseLastWriter(transport, new GoneShortcut());
        writer.write(pong(), new Outcome());
        assertThat(transport.seen()).containsExactly("pong");
    }

    /** A shortcut whose connection is closed. */
    private static final class GoneShortcut extends Transport implements RawFrameWriters.ConnectionState {
        @Override
        public boolean isOpen() {
            return false;
        }
    }

    @Test
    void theChatsFramesGoToTheirOwnWriterAndTyrussToTheTransport() {
        Transport transport = new Transport();
        Transport shortcut = new Transport();
        CloseLastWriter writer = new CloseLastWriter(transport, shortcut);
        writer.writeFrames(text("broadcast"), new Outcome());
        writer.write(text("welcome"), new Outcome(), TEXT);
        writer.write(close(1000), new Outcome(), CLOSE);
        writer.writeFrames(text("late"), new Outcome());

        assertThat(shortcut.seen()).containsExactly("text broadcast");
        assertThat(transport.seen()).containsExactly("text welcome", "close");
    }

    /**
     * The race seen in CI: a broadcast is let through and is still handing its bytes over when
     * the peer's close is answered on another thread. The close frame must come after it, and so
     * must Tyrus's closing of the connection; the closing thread does not wait for it.
     */
    @Test
    void aCloseGoesOutAfterTheWriteLetThroughBeforeIt() throws Exception {
        CountDownLatch broadcastInside = new CountDownLatch(1);
        CountDownLatch letBroadcastFinish = new CountDownLatch(1);
        Transport transport = new Transport() {
            @Override
            void taking(String frame) throws InterruptedException {
                if (frame.startsWith("text")) {
                    broadcastInside.countDown();
                    assertThat(letBroadcastFinish.await(10, TimeUnit.SECONDS)).isTrue();
                }
            }
        };
        CloseLastWriter writer = new CloseLastWriter(transport, transport);

        Thread broadcast = new Thread(() -> writer.writeFrames(text("broadcast"), new Outcome()));
        broadcast.start();
        assertThat(broadcastInside.await(10, TimeUnit.SECONDS)).isTrue();
        Outcome close = new Outcome();
        writer.write(close(1000), close, CLOSE); // returns at once: nothing here waits
        writer.close();
        Outcome late = new Outcome();
        writer.writeFrames(text("late"), late);
        assertThat(transport.seen()).as("taken while the broadcast is still being handed over").isEmpty();
        assertThat(transport.closedAfter()).as("the connection closed before its close frame").isEqualTo(-1);
        assertThat(late.failure.get()).hasMessage("the close frame has been sent");

        letBroadcastFinish.countDown();
        broadcast.join(10_000);
        assertThat(transport.seen()).containsExactly("text broadcast", "close");
        assertThat(transport.closedAfter()).as("frames written before the connection closed").isEqualTo(2);
        assertThat(close.failure.get()).isNull();
        assertThat(transport.overlaps.get()).isZero();
    }

    /**
     * Handing bytes over can close the connection on the spot, and Grizzly, Tyrus and the chat
     * then close it on the same thread, Tyrus writing its close frame from inside the write. That
     * must neither wait for itself nor let the close frame in before the write it came from.
     */
    @Test
    void aCloseFromInsideAWriteGoesOutWhenThatWriteReturns() {
        AtomicReference<CloseLastWriter> self = new AtomicReference<>();
        Transport transport = new Transport() {
            @Override
            void taking(String frame) {
                if (frame.startsWith("text")) {
                    self.get().write(CloseLastWriterTest.close(1006), new Outcome(), CLOSE);
                    self.get().close();
                }
            }
        };
        CloseLastWriter writer = new CloseLastWriter(transport, transport);
        self.set(writer);
        writer.writeFrames(text("to a broken socket"), new Outcome());

        assertThat(transport.seen()).containsExactly("text to a broken socket", "close");
        assertThat(transport.closedAfter()).isEqualTo(2);
    }

    /** Without a close frame waiting, Tyrus's closing of the connection goes through at once. */
    @Test
    void closingTheConnectionWithoutACloseFrameIsImmediate() throws Exception {
        Transport transport = new Transport();
        CloseLastWriter writer = new CloseLastWriter(transport, transport);
        writer.writeFrames(text("hello"), new Outcome());
        writer.close();
        assertThat(transport.closedAfter()).isEqualTo(1);
    }

    /** Many threads broadcasting while one closes: the close is the last thing the transport takes. */
    @Test
    void underContentionTheCloseIsAlwaysLast() throws Exception {
        for (int round = 0; round < 200; round++) {
            Transport transport = new Transport();
            CloseLastWriter writer = new CloseLastWriter(transport, transport);
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(new Thread(() -> {
                    await(go);
                    for (int i = 0; i < 50; i++) {
                        writer.writeFrames(text("broadcast"), new Outcome());
                    }
                }));
            }
            threads.add(new Thread(() -> {
                await(go);
                writer.write(close(1000), new Outcome(), CLOSE);
            }));
            threads.forEach(Thread::start);
            go.countDown();
            for (Thread t : threads) {
                t.join(10_000);
            }
            List<String> seen = transport.seen();
            assertThat(seen).last().isEqualTo("close");
            assertThat(seen).filteredOn("close"::equals).hasSize(1);
            assertThat(transport.overlaps.get()).isZero();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ByteBuffer text(String text) {
        return frame(0x1, text.getBytes(StandardCharsets.UTF_8));
    }

    private static ByteBuffer pong() {
        return frame(0xA, new byte[0]);
    }

    private static ByteBuffer close(int code) {
        return frame(0x8, new byte[] {(byte) (code >> 8), (byte) code});
    }

    private static ByteBuffer frame(int opcode, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(2 + payload.length);
        b.put((byte) (0x80 | opcode)).put((byte) payload.length).put(payload).flip();
        return b;
    }

    /** Records what it is given, by opcode (and text), and whether a close ever came in while another write was inside. */
    private static class Transport extends Writer {
        private final List<String> seen = new ArrayList<>();
        private int closedAfter = -1;
        private final AtomicInteger inside = new AtomicInteger();
        /** Close frames taken while another write was still inside. */
        final AtomicInteger overlaps = new AtomicInteger();

        @Override
        public void write(ByteBuffer buffer, CompletionHandler<ByteBuffer> done) {
            int alongside = inside.incrementAndGet() - 1;
            try {
                String frame = describe(buffer);
                if (frame.equals("close") && alongside > 0) {
                    overlaps.incrementAndGet(); // a close frame while a write is still being handed over
                }
                taking(frame);
                synchronized (seen) {
                    seen.add(frame);
                }
                done.completed(buffer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                done.failed(e);
            } finally {
                inside.decrementAndGet();
            }
        }

        void taking(String frame) throws InterruptedException {
        }

        List<String> seen() {
            synchronized (seen) {
                return List.copyOf(seen);
            }
        }

        /** How many frames the transport had taken when it was closed; -1 while open. */
        int closedAfter() {
            synchronized (seen) {
                return closedAfter;
            }
        }

        @Override
        public void close() {
            synchronized (seen) {
                closedAfter = seen.size();
            }
        }

        private static String describe(ByteBuffer frame) {
            int opcode = frame.get(frame.position()) & 0x0F;
            return switch (opcode) {
                case 0x1 -> "text " + new String(frame.array(), frame.position() + 2, frame.remaining() - 2,
                        StandardCharsets.UTF_8);
                case 0x8 -> "close";
                case 0xA -> "pong";
                default -> "opcode " + opcode;
            };
        }
    }

    private static final class Outcome extends CompletionHandler<ByteBuffer> {
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        @Override
        public void failed(Throwable throwable) {
            failure.set(throwable);
        }
    }
}
