package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.media.MediaLibrary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Every HTTP endpoint of Sori, listed once, besides the page (static files) and the {@code /chat}
 * WebSocket: {@code /healthz} (alive), {@code /readyz} (can serve), {@code /media} (images),
 * {@code /metrics} (Prometheus), and the rooms' HTTP API under {@code /api/} ({@link #withApi}).
 * Both runtimes serve exactly this list: {@code server.jar} maps each path to its
 * Grizzly adapter, the WAR maps each to its one servlet. A new endpoint is one more entry here.
 *
 * <p>The origin rule is not applied here but at each runtime's edge ({@link OriginRule}), ahead
 * of everything the port serves, the page and the WebSocket upgrade included.
 */
public final class Routes implements AutoCloseable {
    private final List<Route> routes;

    private Routes(List<Route> routes) {
        this.routes = List.copyOf(routes);
    }

    /** Sori's endpoints on this hub, a single node, always ready (the in-memory chat). */
    public static Routes standard(Hub hub, String version) {
        return standard(hub, version, () -> null, Readiness.ALWAYS);
    }

    /**
     * Sori's endpoints on this hub; {@code cluster} gives what {@code /healthz} shows of the
     * node's cluster (null on a single node); always ready.
     */
    public static Routes standard(Hub hub, String version, Supplier<?> cluster) {
        return standard(hub, version, cluster, Readiness.ALWAYS);
    }

    /**
     * Sori's endpoints on this hub: {@code /healthz} with the node's {@code cluster} (null on a
     * single node), {@code /readyz} as {@code readiness} says (its database).
     */
    public static Routes standard(Hub hub, String version, Supplier<?> cluster, Readiness readiness) {
        return standard(hub, version, cluster, readiness, null, null);
    }

    /**
     * Sori's endpoints as {@link #standard(Hub, String, Supplier, Readiness)}, and {@code /metrics}
     * with the text {@code metrics} gives (none when null), behind {@code metricsToken} (a bearer
     * token, none when null).
     */
    public static Routes standard(Hub hub, String version, Supplier<?> cluster, Readiness readiness,
                                  Supplier<String> metrics, String metricsToken) {
        List<Route> routes = new ArrayList<>(List.of(Route.get("/healthz", new HealthRoute(hub, version, cluster)),
                Route.get("/readyz", new ReadyRoute(readiness))));
        if (metrics != null) {
            routes.add(Route.get("/metrics", new MetricsRoute(metrics, metricsToken)));
        }
        return new Routes(routes);
    }

    /**
     * Sori's endpoints as {@link #standard(Hub, String, Supplier, Readiness)}, and the images
     * kept in {@code media}: {@code POST /media} takes one, {@code GET /media/{id}} serves it.
     */
    public static Routes standard(Hub hub, String version, Supplier<?> cluster, Readiness readiness,
                                  MediaLibrary media) {
        return standard(hub, version, cluster, readiness, media, null, null);
    }

    /**
     * Sori's endpoints as {@link #standard(Hub, String, Supplier, Readiness, MediaLibrary)}, and
     * {@code /metrics} with the text {@code metrics} gives (none when null), behind
     * {@code metricsToken} (a bearer token, none when null).
     */
    public static Routes standard(Hub hub, String version, Supplier<?> cluster, Readiness readiness,
                                  MediaLibrary media, Supplier<String> metrics, String metricsToken) {
        return standard(hub, version, cluster, readiness, metrics, metricsToken)
                .with(Route.post("/media", new UploadRoute(hub, media)))
                .with(Route.get(MediaRoute.PREFIX, new MediaRoute(media)));
    }

    /**
     * These routes and the HTTP API of rooms: {@code POST /api/rooms/{room}/messages} (a program
     * publishes with one of {@code keys}; {@code 404} when there is none), {@code GET
     * /api/rooms/{room}/events} (server-sent events, no key), and {@code GET /api/openapi.json}
     * (their description). {@code media} (may be null) is where an image a publish names is found.
     */
    public Routes withApi(Hub hub, ApiKeys keys, MediaLibrary media) {
        return with(new Route(RoomsApi.PREFIX, java.util.Set.of("GET", "POST"), new RoomsApi(hub, keys, media)))
                .with(Route.get(OpenApiRoute.PATH, new OpenApiRoute()));
    }

    /**
     * The runtime is stopping: routes that hold something (the event streams, their threads)
     * let it go; open streams end, so that their readers reconnect elsewhere.
     */
    @Override
    public void close() {
        for (Route route : routes) {
            if (route.handler() instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.getLogger(Routes.class.getName()).log(System.Logger.Level.WARNING,
                            "closing the route of {0} failed: {1}", route.path(), e.toString());
                }
            }
        }
    }

    public static Routes of(Route... routes) {
        return new Routes(List.of(routes));
    }

    /** These routes and one more (tests add a route of their own this way). */
    public Routes with(Route route) {
        List<Route> more = new ArrayList<>(routes);
        more.add(route);
        return new Routes(more);
    }

    public List<Route> list() {
        return routes;
    }

    /**
     * Answers the exchange with the route of its path: 405 (with {@code Allow}) for a method the
     * route does not serve, 404 when no route has the path (the adapters are only mapped to the
     * routes' paths, so that is a prefix route's bare prefix).
     */
    public void serve(HttpExchange exchange) throws IOException {
        String path = exchange.path();
        for (Route route : routes) {
            if (!route.matches(path)) {
                continue;
            }
            if (route.serves(exchange.method())) {
                route.handler().handle(exchange);
            } else {
                TreeSet<String> allowed = new TreeSet<>(route.methods());
                if (allowed.contains("GET")) {
                    allowed.add("HEAD");
                }
                exchange.header("Allow", String.join(", ", allowed));
                exchange.respond(405, "text/plain;charset=utf-8", "method not allowed\n");
            }
            return;
        }
        exchange.respond(404, "text/plain;charset=utf-8", "not found\n");
    }
}
