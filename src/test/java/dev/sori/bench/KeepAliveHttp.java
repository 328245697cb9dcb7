package dev.sori.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 connection kept open across requests, as a browser's is for a run of uploads. A
 * plain socket rather than the JDK's client, so that the generator's share of the two cores is
 * little more than the copy into the socket. Bodies are read by {@code Content-Length} only,
 * which is how Sori answers.
 */
final class KeepAliveHttp implements AutoCloseable {
    private final URI base;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    /** {@code base}: the server's root as {@code http://host:port/} (a WAR's context path included). */
    KeepAliveHttp(URI base) {
        this.base = base;
    }

    /** An answer: the status, the raw head and the body. */
    record Answer(int status, String head, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** Sends one request ({@code path} relative to the base) and reads its answer. */
    Answer send(String method, String path, String headers, byte[] body) throws IOException {
        if (socket == null) {
            open();
        }
        StringBuilder head = new StringBuilder(method).append(' ').append(base.getRawPath()).append(path)
                .append(" HTTP/1.1\r\nHost: ").append(base.getAuthority()).append("\r\n").append(headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        try {
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            Answer answer = read();
            if (answer.head().toLowerCase(Locale.ROOT).contains("\r\nconnection: close")) {
                close();
            }
            return answer;
        } catch (IOException e) {
            close(); // the next request opens a fresh connection
            throw e;
        }
    }

    private void open() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 10_000);
        socket.setSoTimeout(60_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 65536);
    }

    private Answer read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed after " + head.size() + " bytes of the answer");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        long length = 0;
        for (String line : text.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("closed after " + body.length + " of " + length + " body bytes");
        }
        return new Answer(status, text, body);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
            socket = null;
        }
    }
}
