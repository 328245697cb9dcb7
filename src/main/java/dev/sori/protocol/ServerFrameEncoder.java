package dev.sori.protocol;

import jakarta.websocket.Encoder;

/**
 * Encodes a {@link ServerFrame} with JSON-B. Used for frames addressed to one session; a
 * broadcast is encoded once with {@link Json#write} and the text is sent to every member.
 */
public final class ServerFrameEncoder implements Encoder.Text<ServerFrame> {

    @Override
    public String encode(ServerFrame frame) {
        return Json.write(frame);
    }
}
