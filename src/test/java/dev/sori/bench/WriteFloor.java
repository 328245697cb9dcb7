package dev.sori.bench;

import dev.sori.chat.Connection;
import dev.sori.chat.EncodedFrame;
import dev.sori.chat.Outbox;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.glassfish.grizzly.asyncqueue.AsyncWriteQueueRecord;
import org.glassfish.grizzly.asyncqueue.TaskQueue;

/**
 * The JVM's floor under the fan-out (issue 19), and what each of Sori's layers adds to it, the
 * way {@code floor.c} is C's: N loopback connections; every 1/rate-th of a second one frame goes
 * to every connection, one write each, on one thread, while another thread reads and discards.
 * The figure is the writing thread's user and kernel CPU per write (ThreadMXBean): the kernel part
 * is loopback TCP, the user part the Java above it, with the caches the kernel's work leaves.
 *
 * <pre>
 * BENCH_MAIN=dev.sori.bench.WriteFloor src/test/bench/bench.sh [--path nio|outbox|queue]
 *     [--members 2000] [--rate 20] [--warmup 15] [--duration 20] [--objects 0] [--layout spread|packed] [--atomics 0]
 *     [--sockets packed|spread] [--touch-ahead 0]
 * </pre>
 *
 * <ul>
 * <li>{@code --path nio}: {@code SocketChannel.write} of a read-only view of one direct buffer,
 *     as Sori writes a broadcast's frame, and nothing else.</li>
 * <li>{@code --path outbox}: Sori's {@link Outbox} in front of that write: the frame offered to
 *     every member, then every outbox flushed, as a room's delivery and the fan-out do.</li>
 * <li>{@code --path queue}: the same, with the turn taken in Grizzly's write queue around the
 *     write, as {@code GrizzlyFrameWriters} does.</li>
 * <li>{@code --objects K}: before its write, each member's chain of K objects is walked (one
 *     field read and written in each; {@code --atomics N}: N atomic additions instead), allocated
 *     far apart among other allocations ({@code spread}, as a server's connection objects end up)
 *     or back to back ({@code packed}).</li>
 * <li>{@code --sockets spread}: the connections themselves (the JDK's channel, its locks and file
 *     descriptor) accepted among other allocations, as a server accepts them between handshakes,
 *     rather than back to back.</li>
 * <li>{@code --touch-ahead B}: the members are written in batches of B, each batch first read
 *     (its objects, its channel's state, and on the outbox paths {@link Outbox#prefetch}) and
 *     then written, as Sori's fan-out does ({@code FanOut.AHEAD}).</li>
 * </ul>
 */
public final class WriteFloor {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Link.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private WriteFloor() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run(Options.parse(args)));
    }

    /** Runs one measurement and returns its line. */
    static String run(Options o) throws Exception {
        String path = o.get("path", "nio");
        int members = o.getInt("members", 2000);
        int rate = o.getInt("rate", 20);
        double warmup = o.getDouble("warmup", 15);
        double duration = o.getDouble("duration", 20);
        int objects = o.getInt("objects", 0);
        boolean spread = o.get("layout", "spread").equals("spread");
        int atomics = o.getInt("atomics", 0);
        int ahead = o.getInt("touch-ahead", 0);
        if (!List.of("nio", "outbox", "queue").contains(path)) {
            throw new IllegalArgumentException("--path is nio, outbox or queue");
        }

        List<SocketChannel> writers = new ArrayList<>();
        List<byte[]> spacers = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(1);
        boolean spreadSockets = o.get("sockets", "packed").equals("spread");
        Selector selector = Selector.open();
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0), members);
            for (int i = 0; i < members; i++) {
                SocketChannel reader = SocketChannel.open(server.getLocalAddress());
                SocketChannel writer = server.accept();
                writer.configureBlocking(false);
                writer.setOption(StandardSocketOptions.TCP_NODELAY, true);
                reader.configureBlocking(false);
                reader.register(selector, SelectionKey.OP_READ);
                writers.add(writer);
                if (spreadSockets) {
                    for (int k = 0; k < 8; k++) {
                        spacers.add(new byte[256 + random.nextInt(4096)]); // a handshake's garbage
                    }
                }
            }
        }
        Thread reading = new Thread(() -> discard(selector), "reader");
        reading.setDaemon(true);
        reading.start();

        Link[] chains = new Link[members];
        for (int k = 0; k < objects; k++) {
            for (int i = 0; i < members; i++) {
                Link link = new Link();
                link.next = chains[i];
                chains[i] = link;
                if (spread) {
                    spacers.add(new byte[256 + random.nextInt(4096)]); // what else a server allocated meanwhile
                }
            }
        }
        Outbox[] outboxes = new Outbox[members];
        if (!path.equals("nio")) {
            for (int i = 0; i < members; i++) {
                outboxes[i] = new Outbox(new SocketConnection(writers.get(i), path.equals("queue")), 1000, 1 << 20, FAILING);
            }
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long period = 1_000_000_000L / rate;
        long next = System.nanoTime();
        long measureFrom = next + (long) (warmup * 1e9);
        long end = measureFrom + (long) (duration * 1e9);
        long cpu0 = -1;
        long user0 = -1;
        long writes = 0;
        long sum = 0;
        int seq = 0;
        while (System.nanoTime() < end) {
            if (cpu0 < 0 && System.nanoTime() >= measureFrom) {
                cpu0 = threads.getCurrentThreadCpuTime();
                user0 = threads.getCurrentThreadUserTime();
                writes = 0;
            }
            EncodedFrame frame = EncodedFrame.forMany("{\"type\":\"message\",\"room\":\"general\",\"seq\":" + seq++
                    + ",\"uid\":\"u-floor\",\"nick\":\"floor\",\"text\":\"a chat message of about the size the generator sends\"}");
            if (path.equals("nio")) {
                for (int i = 0; i < members; i++) {
                    if (ahead > 0 && i % ahead == 0) {
                        for (int j = i; j < Math.min(members, i + ahead); j++) {
                            sum += peek(chains[j]) + (writers.get(j).isOpen() ? 1 : 0);
                        }
                    }
                    sum += walk(chains[i], atomics);
                    writers.get(i).write(frame.view());
                }
            } else {
                for (Outbox outbox : outboxes) {
                    outbox.offer(frame);
                }
                for (int i = 0; i < members; i++) {
                    if (ahead > 0 && i % ahead == 0) {
                        for (int j = i; j < Math.min(members, i + ahead); j++) {
                            sum += peek(chains[j]);
                            outboxes[j].prefetch();
                        }
                    }
                    sum += walk(chains[i], atomics);
                    outboxes[i].flush();
                }
            }
            writes += members;
            next += period;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
        long cpu = threads.getCurrentThreadCpuTime() - cpu0;
        // The user part is counted in scheduler ticks (10 ms here), the whole exactly: over a run
        // of seconds the split is fine, over a short one the ticks may exceed the whole.
        long user = Math.min(cpu, threads.getCurrentThreadUserTime() - user0);
        selector.close();
        for (SocketChannel writer : writers) {
            writer.close();
        }
        if (sum == 42 && spacers.isEmpty()) {
            System.out.print(""); // keeps the chains and the spacers reachable to the end
        }
        return String.format(java.util.Locale.ROOT,
                "write floor: --path %s, %d members (sockets %s), %d objects each (%s, %d atomic additions each), %d messages/s, "
                        + "%d writes measured: writing thread %.2f µs per write (user %.2f, kernel %.2f)",
                path, members, spreadSockets ? "spread" : "packed", objects, spread ? "spread" : "packed", atomics, rate, writes,
                cpu / 1e3 / writes, user / 1e3 / writes, (cpu - user) / 1e3 / writes);
    }

    private static long walk(Link chain, int atomics) {
        long sum = 0;
        for (Link link = chain; link != null; link = link.next) {
            if (atomics == 0) {
                sum += link.value++;
            } else {
                for (int a = 0; a < atomics; a++) {
                    sum += (long) VALUE.getAndAdd(link, 1L);
                }
            }
        }
        return sum;
    }

    /** Reads the chain without writing it: what a batch's first pass does to bring it into the caches. */
    private static long peek(Link chain) {
        long sum = 0;
        for (Link link = chain; link != null; link = link.next) {
            sum += link.value;
        }
        return sum;
    }

    private static void discard(Selector selector) {
        ByteBuffer sink = ByteBuffer.allocateDirect(64 * 1024);
        try {
            while (selector.isOpen()) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    sink.clear();
                    ((SocketChannel) key.channel()).read(sink);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed at the end
        }
    }

    /** A member's per-connection state, as far as the experiment needs one. */
    private static final class Link {
        Link next;
        volatile long value;
    }

    private static final Outbox.Listener FAILING = new Outbox.Listener() {
        @Override
        public void overflowed(int pendingFrames, long pendingBytes) {
            throw new IllegalStateException("a reader fell behind: " + pendingFrames + " frames");
        }

        @Override
        public void sendFailed(Throwable failure) {
            throw new IllegalStateException(failure);
        }
    };

    /** The outbox's transport: the socket, with Grizzly's turn around the write when {@code queued}. */
    private static final class SocketConnection implements Connection {
        private final SocketChannel channel;
        private final TaskQueue<AsyncWriteQueueRecord> queue;

        SocketConnection(SocketChannel channel, boolean queued) {
            this.channel = channel;
            this.queue = queued ? TaskQueue.createTaskQueue(null) : null;
        }

        @Override
        public boolean writesFrames() {
            return true;
        }

        @Override
        public void sendFrames(ByteBuffer frames, SendCallback done) {
            try {
                if (queue == null) {
                    channel.write(frames);
                } else {
                    int size = frames.remaining();
                    if (queue.reserveSpace(size) != size) {
                        throw new IllegalStateException("the write queue is not empty");
                    }
                    queue.releaseSpaceAndNotify(channel.write(frames));
                }
                if (frames.hasRemaining()) {
                    throw new IllegalStateException("the socket took part of a frame");
                }
                done.completed(null);
            } catch (IOException | RuntimeException e) {
                done.completed(e);
            }
        }

        @Override
        public void prefetch() {
            channel.isOpen();
            if (queue != null) {
                queue.size();
            }
        }

        @Override
        public void send(String text, SendCallback done) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void ping() {
        }

        @Override
        public void close(int code, String reason) {
        }
    }
}
