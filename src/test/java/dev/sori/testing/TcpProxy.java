package dev.sori.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on a free port of 127.0.0.1 in front of one target (a node's link to Redis), to
 * break that link the ways networks break:
 * <ul>
 * <li>{@link #pass}: bytes flow both ways;
 * <li>{@link #cut}: every open connection is reset and new ones are reset at once (as when the
 * target is down);
 * <li>{@link #blackhole}: connections stay open and new ones are accepted, but not a byte moves
 * either way, as when packets are dropped; what was sent waits in the socket buffers and flows
 * on after {@link #pass}, as TCP would retransmit it.
 * </ul>
 * One accept thread and two pump threads per connection: plenty for a test's few links.
 */
public final class TcpProxy implements AutoCloseable {
    public enum Mode { PASS, CUT, BLACKHOLE }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Object modeLock = new Object();
    private volatile Mode mode = Mode.PASS;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A proxy to {@code 127.0.0.1:targetPort}, passing. */
    public static TcpProxy to(int targetPort) {
        return to(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
    }

    public static TcpProxy to(InetSocketAddress target) {
        try {
            return new TcpProxy(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** {@code redis://127.0.0.1:PORT} of this proxy, for a node's {@code --redis-url}. */
    public String redisUrl() {
        return "redis://127.0.0.1:" + port();
    }

    public Mode mode() {
        return mode;
    }

    /** Connections through the proxy that are open now. */
    public int openConnections() {
        return links.size();
    }

    /** Lets bytes flow again (also those held back by {@link #blackhole}). */
    public void pass() {
        setMode(Mode.PASS);
    }

    /** Resets every open connection; new ones are reset as soon as they are accepted. */
    public void cut() {
        setMode(Mode.CUT);
        for (Link link : links) {
            link.reset();
        }
    }

    /** Keeps every connection open and accepts new ones, but forwards nothing until {@link #pass}. */
    public void blackhole() {
        setMode(Mode.BLACKHOLE);
    }

    private void setMode(Mode next) {
        synchronized (modeLock) {
            mode = next;
            modeLock.notifyAll();
        }
    }

    /** Waits while blackholed; false once the link should end (cut or closed). */
    private boolean awaitFlow() throws InterruptedException {
        synchronized (modeLock) {
            while (mode == Mode.BLACKHOLE && !closed) {
                modeLock.wait();
            }
            return mode == Mode.PASS && !closed;
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (mode == Mode.CUT) {
                resetQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                resetQuietly(client); // the target is down: so is the proxied link
                closeQuietly(upstream);
                continue;
            }
            Link link = new Link(client, upstream);
            links.add(link);
            link.start();
        }
    }

    @Override
    public void close() {
        closed = true;
        setMode(Mode.CUT);
        closeQuietly(listener);
        for (Link link : links) {
            link.reset();
        }
    }

    @Override
    public String toString() {
        return "TCP proxy 127.0.0.1:" + port() + " -> " + target + " (" + mode + ")";
    }

    /** One proxied connection: a pump each way. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            pump(client, upstream, "up");
            pump(upstream, client, "down");
        }

        private void pump(Socket from, Socket to, String direction) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    OutputStream out = to.getOutputStream();
                    // Not even a read while blackholed: the bytes stay in the kernel's buffers,
                    // and the sender's window fills up as it would on a dead path.
                    while (awaitFlow()) {
                        int n = in.read(buffer);
                        if (n < 0) {
                            break;
                        }
                        if (!awaitFlow()) { // read just before a blackhole: hold it back too
                            break;
                        }
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // the link is gone either way
                }
                reset();
            }, "tcp-proxy-" + direction + "-" + from.getPort());
            t.setDaemon(true);
            t.start();
        }

        void reset() {
            links.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
        }
    }

    /** Closes with an RST (linger 0), as a refused or broken connection looks to its peer. */
    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // nothing to do
        }
    }
}
