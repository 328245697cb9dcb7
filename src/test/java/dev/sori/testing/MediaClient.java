package dev.sori.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Uploads and fetches of images as a page does them ({@code POST media}, {@code GET media/ID}
 * relative to the page), over plain HTTP/1.1: with the JDK's client for whole requests, and over
 * a socket for bodies sent in parts (to stop half-way, to go slowly, to see the server answer
 * before the body ends).
 */
public final class MediaClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    private final URI page;

    /** {@code page}: the page's address, ending in {@code /} (a WAR's context path included). */
    public MediaClient(URI page) {
        this.page = page;
    }

    /** An answer: status, headers (names lower case) and body. */
    public record Answer(int status, Map<String, String> headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(text()))) {
                return reader.readObject();
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** {@code POST media} with the image as the body; {@code token} null sends no Authorization. */
    public Answer upload(String token, byte[] image, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(page.resolve("media")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** {@code POST media} as {@code multipart/form-data} with the image as the part {@code file}. */
    public Answer uploadForm(String token, byte[] image, String fileName) {
        String boundary = "----sori" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(image);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(page.resolve("media")).timeout(TIMEOUT)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    /** {@code GET} (or {@code HEAD}) of {@code url}, relative to the page, with these request headers. */
    public Answer fetch(String method, String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(page.resolve(url)).timeout(TIMEOUT)
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<byte[]> response = HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
            Map<String, String> headers = new TreeMap<>();
            response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                    String.join(", ", values)));
            return new Answer(response.statusCode(), headers, response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * An upload over its own socket, its body sent in parts as the test says: the head goes at
     * once, claiming {@code length} bytes of {@code contentType}.
     */
    public Streaming stream(String token, long length, String contentType) throws IOException {
        Socket socket = new Socket(page.getHost(), page.getPort());
        socket.setSoTimeout((int) TIMEOUT.toMillis());
        String path = page.getRawPath() + "media";
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + page.getAuthority() + "\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: " + contentType + "\r\n"
                + "Content-Length: " + length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
        return new Streaming(socket);
    }

    /** One upload in progress over a socket. */
    public static final class Streaming implements AutoCloseable {
        private final Socket socket;
        private long sent;

        Streaming(Socket socket) {
            this.socket = socket;
        }

        /** Sends these bytes of the body now; false if the server has closed the connection. */
        public boolean send(byte[] part) {
            try {
                OutputStream out = socket.getOutputStream();
                out.write(part);
                out.flush();
                sent += part.length;
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        public long sent() {
            return sent;
        }

        /** The server's answer: status, headers and body (read by its Content-Length). */
        public Answer answer() throws IOException {
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            byte[] end = {'\r', '\n', '\r', '\n'};
            while (matched < end.length) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed after " + head.size() + " bytes of the answer");
                }
                head.write(b);
                matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            String length = headers.get("content-length");
            byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
            return new Answer(status, headers, body);
        }

        /**
         * True when, after its answer, the server closes the connection (end of stream, or a reset
         * for bytes it did not read) instead of reading the rest of the body; false if anything
         * else arrives or nothing happens within the socket's timeout.
         */
        public boolean closedByServer() {
            try {
                return socket.getInputStream().read() < 0;
            } catch (java.net.SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
