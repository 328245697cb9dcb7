package dev.sori.server;

import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.Buffer;
import org.glassfish.grizzly.CompletionHandler;
import org.glassfish.grizzly.Connection;
import org.glassfish.grizzly.EmptyCompletionHandler;
import org.glassfish.grizzly.WriteResult;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.HttpResponsePacket;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.HttpStatus;
import org.glassfish.grizzly.memory.Buffers;

/**
 * The answer of a filter that refuses a request before any handler sees it: a status, one line of
 * plain text, then the connection is closed, since the request may have been offered for an
 * upgrade, or a body we will not read may still be on its way.
 */
final class PlainRefusal {
    private PlainRefusal() {
    }

    static void send(FilterChainContext ctx, HttpRequestPacket request, HttpStatus status, String line) {
        byte[] text = (line + "\n").getBytes(StandardCharsets.US_ASCII);
        HttpResponsePacket response = request.getResponse();
        status.setValues(response);
        response.setContentType("text/plain;charset=us-ascii");
        response.setContentLength(text.length);
        response.setHeader(Header.Connection, "close");
        Buffer body = Buffers.wrap(ctx.getMemoryManager(), text);
        Connection<?> connection = ctx.getConnection();
        CompletionHandler<WriteResult> thenClose = new EmptyCompletionHandler<>() {
            @Override
            public void completed(WriteResult result) {
                connection.closeSilently();
            }

            @Override
            public void failed(Throwable throwable) {
                connection.closeSilently();
            }
        };
        ctx.write(HttpContent.builder(response).content(body).last(true).build(), thenClose);
    }
}
