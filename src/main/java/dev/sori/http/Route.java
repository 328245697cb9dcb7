package dev.sori.http;

import java.util.Locale;
import java.util.Set;

/**
 * One entry of {@link Routes}: a path, the methods it answers and the code that answers them.
 *
 * @param path    an exact path ({@code /healthz}), or a prefix ending in {@code /}
 *                ({@code /media/}: {@code /media/ID} and below)
 * @param methods the methods served; {@code HEAD} is served wherever {@code GET} is
 * @param handler the endpoint
 */
public record Route(String path, Set<String> methods, HttpRoute handler) {
    public Route {
        if (!path.startsWith("/") || path.contains("*")) {
            throw new IllegalArgumentException("a route's path starts with / and has no wildcard: " + path);
        }
        methods = Set.copyOf(methods.stream().map(m -> m.toUpperCase(Locale.ROOT)).toList());
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("a route serves at least one method: " + path);
        }
    }

    public static Route get(String path, HttpRoute handler) {
        return new Route(path, Set.of("GET"), handler);
    }

    public static Route post(String path, HttpRoute handler) {
        return new Route(path, Set.of("POST"), handler);
    }

    /** A prefix route: every path under it. */
    public boolean prefix() {
        return path.endsWith("/") && path.length() > 1;
    }

    boolean matches(String requestPath) {
        return prefix() ? requestPath.startsWith(path) && requestPath.length() > path.length() : requestPath.equals(path);
    }

    boolean serves(String method) {
        return methods.contains(method) || ("HEAD".equals(method) && methods.contains("GET"));
    }
}
