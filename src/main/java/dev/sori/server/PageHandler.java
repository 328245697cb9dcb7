package dev.sori.server;

import java.io.IOException;
import java.net.URL;
import java.net.URLConnection;
import org.glassfish.grizzly.http.Method;
import org.glassfish.grizzly.http.server.CLStaticHttpHandler;
import org.glassfish.grizzly.http.server.Request;
import org.glassfish.grizzly.http.server.Response;
import org.glassfish.grizzly.http.util.Header;
import org.glassfish.grizzly.http.util.MimeType;

/**
 * Serves the page from the classpath ({@code META-INF/resources/}, where the build puts
 * {@code webapp/}) and sends any path it does not know back to {@code /}, as the seed app did.
 */
final class PageHandler extends CLStaticHttpHandler {
    private static final String ROOT = "META-INF/resources/";

    PageHandler() {
        super(PageHandler.class.getClassLoader(), "/" + ROOT);
        // The page is small and changes with the jar; let browsers revalidate instead of caching stale code.
        setFileCacheEnabled(false);
    }

    @Override
    protected boolean handle(String resourcePath, Request request, Response response) throws Exception {
        IgnoredUpgrades.decline(request);
        response.setHeader(Header.CacheControl, "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (Method.HEAD.equals(request.getMethod())) {
            return head(resourcePath, response);
        }
        return super.handle(resourcePath, request, response);
    }

    /**
     * HEAD answers like GET without the body (RFC 9110, section 9.3.2). Grizzly's static handler
     * serves GET only (405 for HEAD), and handing it a HEAD disguised as GET would send the body
     * of any file over its output buffer. The length is the resource's, as GET would send it.
     */
    private boolean head(String resourcePath, Response response) throws IOException {
        String name = resourcePath.endsWith("/") ? resourcePath + "index.html" : resourcePath;
        URL resource = PageHandler.class.getClassLoader().getResource(ROOT + name.substring(1));
        if (resource == null || name.contains("..")) {
            return false;
        }
        URLConnection connection = resource.openConnection();
        connection.setUseCaches(false); // jar: URLs would otherwise share one open JarFile forever
        long length = connection.getContentLengthLong();
        connection.getInputStream().close();
        response.setStatus(200);
        String type = MimeType.getByFilename(name);
        if (type != null) {
            response.setContentType(type);
        }
        if (length >= 0) {
            response.setContentLengthLong(length);
        }
        return true;
    }

    @Override
    protected void onMissingResource(Request request, Response response) {
        IgnoredUpgrades.decline(request);
        response.setStatus(302);
        response.setHeader(Header.Location, "/");
    }
}
