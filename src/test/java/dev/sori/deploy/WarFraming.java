package dev.sori.deploy;

import java.time.Duration;

/** What the WAR targets of the raw-frame cases share. */
final class WarFraming {
    /**
     * A case with no answer within this is "held open until timeout": the WAR runs with the
     * default ping timings (25 s, 60 s), so a connection the container keeps would be held for a
     * minute; three seconds tell that apart from a close on a loaded machine
     * ({@code -Dsori.warAnswerSeconds=N} to look longer).
     */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(Long.getLong("sori.warAnswerSeconds", 3));

    private WarFraming() {
    }
}
