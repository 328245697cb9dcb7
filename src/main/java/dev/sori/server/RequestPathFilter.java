package dev.sori.server;

import dev.sori.websocket.OriginPolicy;
import java.io.CharConversionException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpRequestPacket;
import org.glassfish.grizzly.http.util.HttpStatus;

/**
 * Refuses with 400 a request whose path cannot be decoded: a broken percent-escape ({@code %ZZ}),
 * an encoded slash ({@code %2F}), a NUL, or dots that climb above the root. Grizzly's handler chain
 * answers those with 500 and no body (its {@code HttpHandlerChain} turns the decoder's
 * {@code CharConversionException} into an internal error), which tells the client the server is
 * broken when the request is. It decodes as Grizzly's chain then does (UTF-8, encoded slashes
 * refused: Grizzly never routes them); the chain decodes once more, since it keys its cached result
 * by its handlers' charset setting rather than the charset used, a short path's cost per HTTP
 * request (WebSocket frames never pass here).
 *
 * <p>It sits in the listener's chain after the HTTP codec, before Tyrus's filter.
 */
final class RequestPathFilter extends RequestCheckFilter {
    private static final System.Logger LOG = System.getLogger(RequestPathFilter.class.getName());

    @Override
    NextAction check(FilterChainContext ctx, HttpRequestPacket request) {
        try {
            request.getRequestURIRef().getDecodedRequestURIBC(false, StandardCharsets.UTF_8);
            return ctx.getInvokeAction();
        } catch (CharConversionException | RuntimeException e) {
            // The decoder throws the former for an encoded slash or a NUL, and an unchecked exception
            // of its own for a broken escape ("%ZZ", a lone "%").
            LOG.log(Level.INFO, "refused {0} {1} from {2}: the path does not decode (400)",
                    OriginPolicy.forLog(request.getMethod().getMethodString()),
                    OriginPolicy.forLog(request.getRequestURI()), ctx.getConnection().getPeerAddress());
            PlainRefusal.send(ctx, request, HttpStatus.BAD_REQUEST_400, "bad request path");
            return ctx.getStopAction();
        }
    }
}
