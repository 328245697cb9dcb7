package dev.sori.it;

import dev.sori.chat.ChatSettings;
import dev.sori.testing.RunningServer;
import java.net.URI;
import java.time.Duration;

/**
 * The raw-frame cases ({@link FramingCases}) against {@code server.jar}'s stack (Grizzly, Tyrus
 * and the frame-header guard, in this JVM): every case must give exactly the answer RFC 6455
 * asks for, the server ends the TCP connection after its close frame, and a bystander in the
 * same room keeps chatting as if nothing had happened.
 */
class FramingIT extends FramingCases {
    /** Generous: the machine is shared and loaded. */
    private static final Duration END_WAIT = Duration.ofSeconds(20);
    /** Short, so that a case a ping timeout would end runs in seconds; JDK clients answer pings themselves. */
    private static final Duration PING_INTERVAL = Duration.ofSeconds(4);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(10);

    private RunningServer server;

    @Override
    protected URI startTarget() {
        server = RunningServer.start(new ChatSettings(ChatSettings.DEFAULT_MAX_MESSAGE_CHARS,
                ChatSettings.DEFAULT_MAX_PENDING_FRAMES, ChatSettings.DEFAULT_MAX_PENDING_BYTES, PING_INTERVAL,
                PING_TIMEOUT, 100_000));
        return server.chat();
    }

    @Override
    protected void stopTarget() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String column() {
        return ConformanceTable.JAR;
    }

    @Override
    protected boolean strict() {
        return true;
    }

    @Override
    protected Duration answerWait() {
        return END_WAIT;
    }
}
