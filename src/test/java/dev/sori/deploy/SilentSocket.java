package dev.sori.deploy;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client over a plain socket that never answers anything, pings included (the
 * JDK's client answers pings by itself). It only reads what the server sends, to see whether
 * and how the server closes a peer that has gone silent.
 */
final class SilentSocket implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    private SilentSocket(Socket socket, DataInputStream in) {
        this.socket = socket;
        this.in = in;
    }

    static SilentSocket connect(URI ws, int readTimeoutMillis) throws IOException {
        Socket socket = new Socket(ws.getHost(), ws.getPort());
        socket.setSoTimeout(readTimeoutMillis);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + ws.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + ws.getHost() + ":" + ws.getPort() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        String status = readLine(in);
        if (!status.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("no upgrade: " + status);
        }
        while (!readLine(in).isEmpty()) {
            // skip the response headers
        }
        return new SilentSocket(socket, in);
    }

    /**
     * Reads frames, ignoring text and pings, until the server's close frame; returns its code.
     * Counts the pings seen into {@code pings[0]}.
     */
    int awaitClose(int[] pings) throws IOException {
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[(int) length]; // server frames are small and unmasked
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 0x9) {
                pings[0]++;
            } else if (opcode == 0x8) {
                return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
            }
        }
    }

    private static String readLine(DataInputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
