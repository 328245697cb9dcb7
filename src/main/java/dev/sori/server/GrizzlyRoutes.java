package dev.sori.server;

import dev.sori.http.HttpExchange;
import dev.sori.http.KeptOpenBody;
import dev.sori.http.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.RequestExecutorProvider;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;

/**
 * The jar's adapter from Grizzly to the {@link Routes}: one handler, mapped to every route's path.
 * The request and response are Grizzly's own, wrapped without copying.
 */
final class GrizzlyRoutes extends HttpHandler implements AutoCloseable {
    /** What Grizzly may hold for a kept-open response beyond the socket's buffers before a write blocks. */
    static final int KEPT_OPEN_WRITE_QUEUE_BYTES = 64 * 1024;
    /**
     * Routes run on threads of their own rather than on Grizzly's workers: an upload blocks its
     * thread while its body arrives, and Grizzly's few workers (two per core) also carry every
     * WebSocket's frames, so four slow uploads would stall the chat. The pool grows on demand and
     * is bounded; beyond it a request is answered 503 at once.
     */
    static final int MAX_THREADS = 256;

    private final Routes routes;
    private final ThreadPoolExecutor threads;

    GrizzlyRoutes(Routes routes) {
        super("sori-routes");
        this.routes = routes;
        AtomicInteger n = new AtomicInteger();
        this.threads = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "sori-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public RequestExecutorProvider getRequestExecutorProvider() {
        return request -> task -> {
            try {
                threads.execute(task);
            } catch (RejectedExecutionException e) {
                busy(request.getResponse());
            }
        };
    }

    /** Every route thread is taken: 503 at once (Grizzly suspended the response before handing it over). */
    private static void busy(Response response) {
        try {
            response.setStatus(503);
            response.setHeader("Retry-After", "1");
            response.setHeader("Connection", "close");
            response.setContentType("application/json");
            response.getWriter().write("{\"code\":\"unavailable\",\"message\":\"the server is busy; try again\"}");
        } catch (java.io.IOException | RuntimeException ignored) {
            // the client is gone: nothing to tell it
        } finally {
            response.resume();
        }
    }

    @Override
    public void close() {
        routes.close();
        threads.shutdownNow();
    }

    /** Maps this handler to each route's path (a prefix route to everything under it). */
    void register(ServerConfiguration configuration) {
        String[] patterns = routes.list().stream()
                .map(route -> route.prefix() ? route.path() + "*" : route.path())
                .toArray(String[]::new);
        configuration.addHttpHandler(this, patterns);
    }

    @Override
    public void service(Request request, Response response) throws Exception {
        IgnoredUpgrades.decline(request);
        routes.serve(new Exchange(request, response));
    }

    private record Exchange(Request request, Response response) implements HttpExchange {
        @Override
        public String method() {
            return request.getMethod().getMethodString();
        }

        @Override
        public String path() {
            return request.getRequestURI();
        }

        @Override
        public String query() {
            return request.getQueryString();
        }

        @Override
        public String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public long requestLength() {
            return request.getContentLengthLong();
        }

        @Override
        public InputStream requestBody() {
            return request.getInputStream();
        }

        @Override
        public void status(int code) {
            response.setStatus(code);
        }

        @Override
        public void header(String name, String value) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                response.setContentType(value); // Grizzly keeps the type apart from the other headers
            } else if ("Content-Length".equalsIgnoreCase(name)) {
                response.setContentLengthLong(Long.parseLong(value));
            } else {
                response.setHeader(name, value);
            }
        }

        @Override
        public OutputStream responseBody() {
            return response.getOutputStream();
        }

        @Override
        public OutputStream keepOpen() {
            // A bounded write queue, so that a write to a client that stopped reading blocks (up to
            // the transport's write timeout, then fails) instead of Grizzly queuing without limit:
            // the route then sees the client as slow, as the servlet containers' blocking writes show it.
            if (request.getContext().getConnection() instanceof org.glassfish.grizzly.nio.NIOConnection c) {
                c.setMaxAsyncWriteQueueSize(KEPT_OPEN_WRITE_QUEUE_BYTES);
            }
            response.suspend(); // no timeout: the route ends it
            return new KeptOpenBody(response.getOutputStream(), response::resume);
        }
    }
}
