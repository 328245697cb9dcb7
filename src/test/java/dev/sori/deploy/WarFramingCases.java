package dev.sori.deploy;

import dev.sori.it.FramingCases;
import java.net.URI;
import java.time.Duration;

/**
 * The raw-frame cases ({@link FramingCases}) against {@code target/sori.war} in an application
 * server: each case's answer is recorded in the server's column of the conformance table; a
 * different one is not a failure (the frame parser is the container's), a bystander that stops
 * chatting is.
 */
abstract class WarFramingCases extends FramingCases {
    /**
     * A case with no answer within this is "held open until timeout": the WAR runs with the
     * default ping timings (25 s, 60 s), so a connection the container keeps would be held for a
     * minute; three seconds tell that apart from a close on a loaded machine
     * ({@code -Dsori.warAnswerSeconds=N} to look longer).
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(Long.getLong("sori.warAnswerSeconds", 3));

    private AppServer server;

    /** The application server, with the WAR, not yet started. */
    protected abstract AppServer newServer();

    @Override
    protected URI startTarget() {
        server = newServer().start();
        return server.chat();
    }

    @Override
    protected void stopTarget() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected boolean strict() {
        return false;
    }

    @Override
    protected Duration answerWait() {
        return ANSWER_WAIT;
    }
}
