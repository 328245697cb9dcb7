package dev.sori.http;

import dev.sori.chat.Media;
import dev.sori.media.MediaLibrary;
import dev.sori.protocol.ErrorCode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET} and {@code HEAD /media/{id}}: an uploaded image, served only as the image it is.
 * Its detected type with {@code nosniff} and a sandboxing CSP, so that no file, whatever bytes
 * it holds after its image, is ever run by a browser; immutable caching with its id as
 * {@code ETag} (the id is the hash of the bytes); one {@code Range} for large GIFs.
 */
final class MediaRoute implements HttpRoute {
    static final String PREFIX = "/media/";
    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    private final MediaLibrary library;

    MediaRoute(MediaLibrary library) {
        this.library = library;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String id = exchange.path().substring(PREFIX.length());
        Media media = ID.matcher(id).matches() ? library.find(id) : null;
        if (media == null) {
            Problem.respond(exchange, 404, ErrorCode.NOT_FOUND, "no such image");
            return;
        }
        String etag = '"' + id + '"';
        exchange.header("ETag", etag);
        exchange.header("Cache-Control", "public, max-age=31536000, immutable");
        exchange.header("X-Content-Type-Options", "nosniff");
        exchange.header("Content-Security-Policy", "default-src 'none'; sandbox");
        exchange.header("Accept-Ranges", "bytes");
        if (matches(exchange.header("If-None-Match"), etag)) {
            exchange.status(304);
            exchange.responseBody().close();
            return;
        }
        long length = media.bytes();
        long from = 0;
        long to = length - 1;
        String range = exchange.header("Range");
        String ifRange = exchange.header("If-Range");
        if (range != null && (ifRange == null || ifRange.equals(etag))) {
            long[] part = range(range, length);
            if (part == null) { // not one range we serve: the whole image, as if none was asked for
                exchange.status(200);
            } else if (part.length == 0) {
                exchange.header("Content-Range", "bytes */" + length);
                Problem.respond(exchange, 416, ErrorCode.INVALID_ARGUMENT, "the range is outside the image");
                return;
            } else {
                from = part[0];
                to = part[1];
                exchange.status(206);
                exchange.header("Content-Range", "bytes " + from + "-" + to + "/" + length);
            }
        } else {
            exchange.status(200);
        }
        exchange.header("Content-Type", media.type());
        exchange.header("Content-Length", Long.toString(to - from + 1));
        try (OutputStream out = exchange.responseBody()) {
            if (!"HEAD".equals(exchange.method())) {
                library.copy(id, from, to - from + 1, out);
            }
        }
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One byte range of RFC 9110 ({@code bytes=a-b}, {@code a-}, {@code -n}): {from, to}
     * inclusive; an empty array when it cannot be satisfied; null when the header is not one
     * range (several ranges, other units), which is served as the whole image.
     */
    static long[] range(String header, long length) {
        Matcher m = RANGE.matcher(header.trim());
        if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
            return null;
        }
        try {
            if (m.group(1).isEmpty()) { // the last n bytes
                long n = Long.parseLong(m.group(2));
                return n == 0 ? new long[0] : new long[] {Math.max(0, length - n), length - 1};
            }
            long from = Long.parseLong(m.group(1));
            long to = m.group(2).isEmpty() ? length - 1 : Math.min(Long.parseLong(m.group(2)), length - 1);
            return from >= length || to < from ? new long[0] : new long[] {from, to};
        } catch (NumberFormatException e) { // more digits than a long
            return new long[0];
        }
    }
}
