package dev.sori.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The skip-or-fail rule of the multi-process cluster tests, and a free port. Without
 * {@code redis-server} or {@code haproxy} on the machine those tests are skipped with the
 * reason, unless {@code SORI_TEST_REQUIRE_CLUSTER=true} (or {@code -Dsori.test.requireCluster=true}):
 * then they fail, so that a CI promising cluster runs cannot go green without them
 * ({@code .ci/run} sets it, after {@code src/test/scripts/cluster-setup.sh} installed them).
 */
public final class ClusterTools {
    public static final boolean REQUIRED = Boolean.parseBoolean(setting("sori.test.requireCluster",
            "SORI_TEST_REQUIRE_CLUSTER", "false"));

    /** The machine's shared Redis. Tests never use it: they may kill and restart theirs. */
    static final int SHARED_REDIS_PORT = 6379;

    private ClusterTools() {
    }

    /** Skips (or fails, if required) the calling test unless {@code binary} is an executable file. */
    public static void requireInstalled(Path binary, String what, String howToGetIt) {
        if (Files.isExecutable(binary)) {
            return;
        }
        String why = what + " is not installed (" + binary + " is missing); " + howToGetIt;
        if (REQUIRED) {
            fail(why + "; SORI_TEST_REQUIRE_CLUSTER is set, so this is a failure");
        }
        Assumptions.abort("skipping cluster tests: " + why);
    }

    /**
     * A port of 127.0.0.1 that nothing listens on right now (the kernel's choice, so never the
     * shared Redis's). Another process may take it before the caller binds it; tests accept that.
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (port != SHARED_REDIS_PORT) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null) {
            v = System.getenv(env);
        }
        return v != null ? v : fallback;
    }
}
