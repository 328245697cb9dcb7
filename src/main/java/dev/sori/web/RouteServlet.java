package dev.sori.web;

import dev.sori.http.HttpExchange;
import dev.sori.http.KeptOpenBody;
import dev.sori.http.Routes;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The WAR's adapter from servlets to the {@link Routes}: one servlet, which {@link SoriWebApp}
 * maps to every route's path. Paths are the request's inside the context path, as in the jar.
 */
public final class RouteServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private transient volatile Routes routes;

    RouteServlet(Routes routes) {
        this.routes = routes;
    }

    /** Undeploying: the hub is closed, requests still in flight get 503. */
    void stop() {
        Routes stopping = routes;
        routes = null;
        if (stopping != null) {
            stopping.close(); // open event streams end, their threads go
        }
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Exchange exchange = new Exchange(request, response);
        Routes current = routes;
        if (current == null) {
            response.setHeader("Cache-Control", "no-store");
            exchange.respond(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json", "{\"status\":\"stopping\"}");
            return;
        }
        current.serve(exchange);
    }

    private record Exchange(HttpServletRequest request, HttpServletResponse response) implements HttpExchange {
        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String path() {
            return request.getRequestURI().substring(request.getContextPath().length());
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
        public InputStream requestBody() throws IOException {
            return request.getInputStream();
        }

        @Override
        public void status(int code) {
            response.setStatus(code);
        }

        @Override
        public void header(String name, String value) {
            if ("Content-Type".equalsIgnoreCase(name)) {
                response.setContentType(value); // as the jar's adapter: the container keeps these apart
            } else if ("Content-Length".equalsIgnoreCase(name)) {
                response.setContentLengthLong(Long.parseLong(value));
            } else {
                response.setHeader(name, value);
            }
        }

        @Override
        public OutputStream responseBody() throws IOException {
            return response.getOutputStream();
        }

        @Override
        public OutputStream keepOpen() throws IOException {
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // no timeout: the route ends it
            return new KeptOpenBody(response.getOutputStream(), async::complete);
        }
    }
}
