package dev.sori.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The dispatch both adapters share; the adapters themselves are exercised on real sockets (HttpIT, the WAR contract). */
class RoutesTest {
    private final Routes routes = Routes.of(
            Route.get("/healthz", exchange -> exchange.respond(200, "text/plain", "health")),
            new Route("/media/", Set.of("GET", "POST"), exchange -> exchange.respond(200, "text/plain",
                    exchange.method() + " " + exchange.path().substring("/media/".length()))));

    @Test
    void anExactPathAndEverythingUnderAPrefixReachTheirRoute() throws Exception {
        assertThat(serve("GET", "/healthz").body()).isEqualTo("health");
        assertThat(serve("GET", "/media/01JABC").body()).isEqualTo("GET 01JABC");
        assertThat(serve("POST", "/media/x/y").body()).isEqualTo("POST x/y");
    }

    @Test
    void aPathNoRouteHasIs404AndSoIsAPrefixAlone() throws Exception {
        assertThat(serve("GET", "/healthz/more").status).isEqualTo(404);
        assertThat(serve("GET", "/media/").status).isEqualTo(404);
        assertThat(serve("GET", "/media").status).isEqualTo(404);
    }

    @Test
    void aMethodTheRouteDoesNotServeIs405WithAllowAndHeadGoesWhereGetDoes() throws Exception {
        Recorded post = serve("POST", "/healthz");
        assertThat(post.status).isEqualTo(405);
        assertThat(post.headers).containsEntry("Allow", "GET, HEAD");
        assertThat(serve("DELETE", "/media/1").headers).containsEntry("Allow", "GET, HEAD, POST");
        assertThat(serve("HEAD", "/healthz").status).isEqualTo(200);
    }

    @Test
    void aRoutePathStartsWithASlashAndHasNoWildcard() {
        assertThatThrownBy(() -> Route.get("healthz", e -> { })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Route.get("/media/*", e -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    private Recorded serve(String method, String path) throws Exception {
        Recorded exchange = new Recorded(method, path);
        routes.serve(exchange);
        return exchange;
    }

    /** An exchange that records the response, for the dispatch alone. */
    private static final class Recorded implements HttpExchange {
        private final String method;
        private final String path;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private int status = 200;

        Recorded(String method, String path) {
            this.method = method;
            this.path = path;
        }

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }

        @Override public String method() { return method; }
        @Override public String path() { return path; }
        @Override public String query() { return null; }
        @Override public String header(String name) { return null; }
        @Override public long requestLength() { return -1; }
        @Override public InputStream requestBody() { return new ByteArrayInputStream(new byte[0]); }
        @Override public void status(int code) { status = code; }
        @Override public void header(String name, String value) { headers.put(name, value); }
        @Override public OutputStream responseBody() { return body; }
        @Override public OutputStream keepOpen() { throw new UnsupportedOperationException(); }
    }
}
