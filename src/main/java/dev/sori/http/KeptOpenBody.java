package dev.sori.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The body {@link HttpExchange#keepOpen()} returns in both runtimes: the container's response
 * stream, whose close also ends the container's kept-open response (Grizzly's resume, the
 * servlet's {@code AsyncContext.complete}), once, whoever closes it first.
 */
public final class KeptOpenBody extends FilterOutputStream {
    /** Ends the container's response; called once. */
    @FunctionalInterface
    public interface End {
        void end() throws IOException;
    }

    private final End end;
    private final AtomicBoolean closed = new AtomicBoolean();

    public KeptOpenBody(OutputStream body, End end) {
        super(body);
        this.end = end;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length); // FilterOutputStream would write them one at a time
    }

    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            out.flush();
        } finally {
            end.end();
        }
    }
}
