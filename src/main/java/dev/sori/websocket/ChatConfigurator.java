package dev.sori.websocket;

import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * The chat endpoint's handshake hook: the one place every container shows the request's headers,
 * so it keeps the forwarding headers for {@link ClientAddresses}. Everything else is the
 * container's own (endpoint instances, origin, subprotocols). The origin rule is not here: see
 * {@code OriginRule}, which needs the {@code Host} as well and runs before the handshake.
 */
public final class ChatConfigurator extends ServerEndpointConfig.Configurator {

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        super.modifyHandshake(config, request, response);
        ClientAddresses.keepHeaders(config.getUserProperties(), request.getHeaders());
    }
}
