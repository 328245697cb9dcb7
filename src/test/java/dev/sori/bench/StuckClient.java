package dev.sori.bench;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain-socket WebSocket client (also used by {@code connect --mode raw}, the cheapest possible
 * handshake on the generator's side). As a client that never reads: a plain socket with a small receive buffer that does the
 * WebSocket handshake, reads exactly the handshake response and nothing more until
 * {@link #inspect}, which afterwards reads what piled up to see how the server ended it.
 *
 * <p>With {@code socketIo} it speaks the Socket.IO yardstick's wire ({@link SocketIoTransport}):
 * the handshake goes on to Engine.IO's open packet and the namespace connect ({@code 40}), so that
 * the server counts it in the room, and {@link #readTextFrame} returns the protocol frames unwrapped.
 */
final class StuckClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean socketIo;

    StuckClient(URI url, int receiveBuffer, boolean socketIo) throws IOException {
        this.socketIo = socketIo;
        URI chat = socketIo ? socketIoEndpoint(url) : url;
        socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        int port = chat.getPort() < 0 ? 80 : chat.getPort();
        socket.connect(new InetSocketAddress(chat.getHost(), port), 10_000);
        socket.setSoTimeout(10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String path = chat.getRawPath() + (chat.getRawQuery() == null ? "" : "?" + chat.getRawQuery());
        String request = "GET " + path + " HTTP/1.1\r\nHost: " + chat.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        in = socket.getInputStream();
        // Read the response head byte by byte so that not one byte of a frame is consumed.
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("closed during the handshake: " + head);
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        String response = head.toString(StandardCharsets.US_ASCII);
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + response.lines().findFirst().orElse(""));
        }
        if (socketIo) {
            String open = readFrame();
            if (!open.startsWith("0")) {
                throw new IOException("expected the Engine.IO open packet, got " + open);
            }
            sendText("40");
        }
    }

    private static URI socketIoEndpoint(URI url) throws IOException {
        try {
            return SocketIoTransport.endpoint(url);
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /**
     * Reads everything the server left for this client (for at most {@code timeoutMillis} of
     * silence) and reports the frames, a close frame's code, and how the TCP connection ended.
     */
    Map<String, Object> inspect(int timeoutMillis) {
        Map<String, Object> r = new LinkedHashMap<>();
        long frames = 0;
        long bytes = 0;
        int closeCode = -1;
        String ending;
        try {
            socket.setSoTimeout(timeoutMillis);
            while (true) {
                int b0 = in.read();
                if (b0 < 0) {
                    ending = "eof";
                    break;
                }
                long len = readPayloadLength();
                byte[] payload = in.readNBytes((int) len);
                if (payload.length < len) {
                    ending = "eof mid-frame";
                    break;
                }
                bytes += 2 + len;
                int opcode = b0 & 0x0F;
                if (opcode == 0x8) {
                    closeCode = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    // Keep reading: the TCP close follows.
                    continue;
                }
                if (opcode == 0x1 || opcode == 0x0) {
                    frames++;
                }
            }
        } catch (SocketTimeoutException e) {
            ending = "still open (silent for " + timeoutMillis + " ms)";
        } catch (SocketException e) {
            ending = "reset: " + e.getMessage();
        } catch (IOException e) {
            ending = "error: " + e;
        }
        r.put("framesRead", frames);
        r.put("bytesRead", bytes);
        r.put("closeCode", closeCode);
        r.put("tcp", ending);
        return r;
    }

    /** Reads the second header byte and any extended length (RFC 6455, 5.2); server frames carry no mask. */
    private long readPayloadLength() throws IOException {
        long len = readByte() & 0x7F;
        if (len == 126) {
            len = (readByte() << 8) | readByte();
        } else if (len == 127) {
            len = 0;
            for (int i = 0; i < 8; i++) {
                len = (len << 8) | readByte();
            }
        }
        return len;
    }

    /**
     * Reads the next frame and returns its payload as text; with Socket.IO, the next protocol frame
     * (Engine.IO and Socket.IO control packets are skipped, pings answered).
     */
    String readTextFrame() throws IOException {
        if (!socketIo) {
            return readFrame();
        }
        while (true) {
            String p = readFrame();
            String frame = SocketIoTransport.unwrap(p);
            if (frame != null) {
                return frame;
            } else if (p.equals("2")) {
                sendText("3");
            } else if (p.startsWith("44")) {
                throw new IOException("socket.io connect error: " + p.substring(2));
            } else if (p.startsWith("41")) {
                throw new EOFException("socket.io namespace disconnect");
            }
        }
    }

    /** Reads the next frame (server frames are unmasked) and returns its payload as text. */
    private String readFrame() throws IOException {
        readByte();
        long len = readPayloadLength();
        byte[] payload = in.readNBytes((int) len);
        if (payload.length < len) {
            throw new EOFException("closed mid-frame");
        }
        return new String(payload, StandardCharsets.UTF_8);
    }

    private void sendText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        out.write(RawTransport.encode(0x1, payload, 0, payload.length).array());
        out.flush();
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // gone
        }
    }
}
