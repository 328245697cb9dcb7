package dev.sori.server;

import dev.sori.http.HttpExchange;
import dev.sori.http.KeptOpenBody;
import dev.sori.http.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.glassfish.grizzly.http.server.HttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.server.ServerConfiguration;

/**
 * The jar's adapter from Grizzly to the {@link Routes}: one handler, mapped to every route's path.
 * The request and response are Grizzly's own, wrapped without copying.
 */
final class GrizzlyRoutes extends HttpHandler {
    private final Routes routes;

    GrizzlyRoutes(Routes routes) {
        super("sori-routes");
        this.routes = routes;
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
            response.suspend(); // no timeout: the route ends it
            return new KeptOpenBody(response.getOutputStream(), response::resume);
        }
    }
}
