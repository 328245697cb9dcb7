package dev.sori.deploy;

import dev.sori.it.ConformanceTable;
import dev.sori.it.FramingCases;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

/**
 * The raw-frame cases ({@link FramingCases}) against {@code target/sori.war} on WildFly
 * (Undertow's WebSocket implementation): each case's answer is recorded for the conformance
 * table, a different one is not a failure (the frame parser is Undertow's); a bystander that
 * stops chatting is.
 */
@DisabledIfSystemProperty(named = "sori.skipWarTests", matches = "true", disabledReason = "-DskipWarTests")
class WildFlyFramingIT extends FramingCases {
    private AppServer server;

    @Override
    protected URI startTarget() {
        server = new WildFlyServer("wildfly-framing").start();
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
        return ConformanceTable.WILDFLY;
    }

    @Override
    protected boolean strict() {
        return false;
    }

    @Override
    protected Duration answerWait() {
        return WarFraming.ANSWER_WAIT;
    }
}
