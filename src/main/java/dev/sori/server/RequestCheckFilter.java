package dev.sori.server;

import java.io.IOException;
import org.glassfish.grizzly.Grizzly;
import org.glassfish.grizzly.attributes.Attribute;
import org.glassfish.grizzly.filterchain.BaseFilter;
import org.glassfish.grizzly.filterchain.FilterChainContext;
import org.glassfish.grizzly.filterchain.NextAction;
import org.glassfish.grizzly.http.HttpContent;
import org.glassfish.grizzly.http.HttpRequestPacket;

/**
 * A filter after the HTTP codec that looks at each request once, when its head has been parsed,
 * and lets it on or refuses it. A request whose body comes in several reads (an upload) passes
 * here once per read, each with the same request header: the later ones cost one indexed
 * attribute lookup. An upgraded connection leaves this chain ({@link WebSocketUpgrade}), so
 * WebSocket frames never pass here.
 */
abstract class RequestCheckFilter extends BaseFilter {
    /**
     * One attribute per kind of check, made once: Grizzly's attribute builder is global and keeps
     * every attribute it made, so one per filter instance would add one for each server started.
     */
    private static final ClassValue<Attribute<Boolean>> CHECKED = new ClassValue<>() {
        @Override
        protected Attribute<Boolean> computeValue(Class<?> check) {
            return Grizzly.DEFAULT_ATTRIBUTE_BUILDER.createAttribute(check.getName() + ".checked");
        }
    };

    private final Attribute<Boolean> checked = CHECKED.get(getClass());

    @Override
    public final NextAction handleRead(FilterChainContext ctx) throws IOException {
        if (!(ctx.getMessage() instanceof HttpContent content)
                || !(content.getHttpHeader() instanceof HttpRequestPacket request)
                || checked.isSet(request)) {
            return ctx.getInvokeAction();
        }
        checked.set(request, Boolean.TRUE);
        return check(ctx, request);
    }

    /** {@code ctx.getInvokeAction()} to let the request on; else answer it and {@code ctx.getStopAction()}. */
    abstract NextAction check(FilterChainContext ctx, HttpRequestPacket request) throws IOException;
}
