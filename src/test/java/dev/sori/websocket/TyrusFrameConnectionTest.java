package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.glassfish.tyrus.spi.Writer;
import org.junit.jupiter.api.Test;

/**
 * The Tyrus this build ships keeps the session's writer where {@link TyrusFrameConnection} looks
 * for it, and lets it be replaced (by the {@link CloseLastWriter}). A Tyrus upgrade that moves it would otherwise only show as a silent fall back to the
 * portable (slower) path; this test makes it a failure instead.
 */
class TyrusFrameConnectionTest {

    @Test
    void findsTheWriterBehindTyrussAsyncRemoteEndpoint() throws Exception {
        Class<?> asyncRemote = Class.forName("org.glassfish.tyrus.core.TyrusRemoteEndpoint$Async");
        TyrusFrameConnection.Factory.Path path = TyrusFrameConnection.Factory.resolve(asyncRemote);
        assertThat(path.remoteSocket().getType().getName()).isEqualTo("org.glassfish.tyrus.core.TyrusWebSocket");
        assertThat(path.socketHandler().getType().getName()).isEqualTo("org.glassfish.tyrus.core.ProtocolHandler");
        assertThat(path.handlerWriter().getType()).isEqualTo(Writer.class);
        assertThat(path.setWriter().getDeclaringClass().getName()).isEqualTo("org.glassfish.tyrus.core.ProtocolHandler");
    }

    @Test
    void aClassWithoutThoseFieldsIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TyrusFrameConnection.Factory.resolve(String.class))
                .isInstanceOf(NoSuchFieldException.class);
    }
}
