package dev.sori.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP request and its response as a {@link HttpRoute} sees them, the same in
 * {@code server.jar} (Grizzly) and in the WAR (servlets). Small on purpose: what a route needs and
 * both runtimes give without copying, the request body and the response body as streams.
 *
 * <p>The response is committed (status and headers sent) by the first byte written to
 * {@link #responseBody()} or by the route's return; set the status and headers before.
 */
public interface HttpExchange {
    /** The request method, upper case as sent ({@code GET}, {@code POST} ...). */
    String method();

    /** The path inside the application, starting with {@code /}, as sent (percent-encoding kept). */
    String path();

    /** The raw query string without {@code ?}, or null when there is none. */
    String query();

    /** The first value of a request header, or null when absent. */
    String header(String name);

    /** The request body's length from {@code Content-Length}, or -1 when not known (chunked, none). */
    long requestLength();

    /**
     * The request body, read as it arrives; blocking reads (the calling thread is a worker in both
     * runtimes). A body that stops arriving is the edge's business (the handshake deadline's body
     * rate in {@code server.jar}, the container's timeouts in the WAR).
     */
    InputStream requestBody() throws IOException;

    void status(int code);

    /** Sets a response header, replacing any earlier value of it. */
    void header(String name, String value);

    /** The response body; written as the route writes (flush to push a part out now). */
    OutputStream responseBody() throws IOException;

    /**
     * Keeps the response open after {@link HttpRoute#handle} returns, for a route that goes on
     * writing from other threads (server-sent events): returns the response body, which stays
     * open until closed; closing it ends the response. Set the status and headers first, flush
     * after each part, and write from one thread at a time. A write to a client that has gone
     * fails with an {@link IOException}: close it then. Nothing times such a response out.
     */
    OutputStream keepOpen() throws IOException;

    /** A whole, small response: status, type, length and body. */
    default void respond(int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        status(code);
        header("Content-Type", contentType);
        header("Content-Length", Integer.toString(bytes.length));
        try (OutputStream out = responseBody()) {
            out.write(bytes);
        }
    }
}
