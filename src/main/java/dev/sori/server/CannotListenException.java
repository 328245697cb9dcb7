package dev.sori.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * {@code server.jar} cannot have the address it was told to listen on: the port is taken (another
 * Sori, another server) or the host is not an address of this machine. The operator has something
 * to fix, so {@link StartupFailures} reports it in one line.
 */
final class CannotListenException extends IOException {
    private static final long serialVersionUID = 1L;

    CannotListenException(String host, int port, IOException cause) {
        super("cannot listen on " + host + ":" + port + ": " + cause.getMessage(), cause);
    }

    /**
     * Binds {@code host:port} and lets it go at once, so that a start that is going to fail fails
     * before the warm-up rather than after it. Port 0 (any free port) cannot be taken.
     */
    static void checkFree(String host, int port) throws CannotListenException {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as Grizzly binds: a port left in TIME_WAIT is free
            socket.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new CannotListenException(host, port, e);
        }
    }
}
