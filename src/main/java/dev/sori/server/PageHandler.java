package dev.sori.server;

import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;

/**
 * Serves the page from the classpath ({@code META-INF/resources/}, where the build puts
 * {@code webapp/}) and sends any path it does not know back to {@code /}, as the seed app did.
 */
final class PageHandler extends CLStaticHttpHandler {

    PageHandler() {
        super(PageHandler.class.getClassLoader(), "/META-INF/resources/");
        // The page is small and changes with the jar; let browsers revalidate instead of caching stale code.
        setFileCacheEnabled(false);
    }

    @Override
    protected boolean handle(String resourcePath, Request request, Response response) throws Exception {
        IgnoredUpgrades.decline(request);
        response.setHeader(Header.CacheControl, "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        return super.handle(resourcePath, request, response);
    }

    @Override
    protected void onMissingResource(Request request, Response response) {
        IgnoredUpgrades.decline(request);
        response.setStatus(302);
        response.setHeader(Header.Location, "/");
    }
}
