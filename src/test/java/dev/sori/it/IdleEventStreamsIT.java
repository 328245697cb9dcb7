package dev.sori.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.testing.ServerProcess;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A thousand idle server-sent event streams on one server.jar: what each costs the server's heap
 * (after a full GC, measured in its own JVM), written down in docs/benchmarks.md. The bound is
 * generous on purpose: a measurement, not a limit; it catches a stream that holds buffers of
 * tens of kilobytes, not a few hundred bytes. Every stream then still gets a new message.
 */
class IdleEventStreamsIT {
    private static final int STREAMS = 1000;
    private static final String REQUEST = "GET /api/rooms/general/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Accept: text/event-stream\r\n\r\n";

    @Test
    void aThousandIdleStreamsCostLittleHeapEachAndAllStillHearTheRoom() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("SORI_API_KEY", PushApiIT.KEY))) {
            int port = server.page().getPort();
            for (Socket warm : open(port, 20)) { // classes loaded, pools grown, before the first count
                warm.close();
            }
            PushApiIT.publish(server.page(), "general", PushApiIT.KEY, "{\"text\":\"warm\"}");
            Thread.sleep(500); // the closed streams noticed (their next write fails) or not: both measured alike
            long before = server.heapUsedAfterGc();
            List<Socket> streams = open(port, STREAMS);
            try {
                long after = server.heapUsedAfterGc();
                long perStream = (after - before) / STREAMS;
                System.out.printf("%d idle SSE streams: heap after GC %d -> %d KiB, %d bytes per stream%n",
                        STREAMS, before / 1024, after / 1024, perStream);
                assertThat(perStream).as("heap per idle stream (bytes)").isLessThan(64 * 1024);

                assertThat(PushApiIT.publish(server.page(), "general", PushApiIT.KEY, "{\"text\":\"to all\"}")
                        .statusCode()).isEqualTo(201);
                for (Socket stream : streams) {
                    assertThat(readUntil(stream, "to all")).isTrue();
                }
            } finally {
                for (Socket stream : streams) {
                    stream.close();
                }
            }
        }
    }

    /** Opens {@code n} streams, each read up to its first line (the stream is established). */
    private static List<Socket> open(int port, int n) throws IOException {
        List<Socket> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
            assertThat(readUntil(socket, "retry:")).as("stream %d opened", i).isTrue();
            streams.add(socket);
        }
        return streams;
    }

    private static boolean readUntil(Socket socket, String text) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        int n;
        while ((n = in.read(buffer)) > 0) {
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            if (seen.indexOf(text) >= 0) {
                return true;
            }
        }
        return false;
    }
}
