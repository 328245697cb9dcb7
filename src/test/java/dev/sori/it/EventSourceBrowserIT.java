package dev.sori.it;

import dev.sori.testing.ServerProcess;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The room's server-sent event stream in Chromium's own {@code EventSource}
 * ({@code src/test/browser/events.test.mjs}): messages posted through the publish API arrive with
 * their seq as the event id; after the connection is cut under the browser, EventSource
 * reconnects by itself with {@code Last-Event-ID} and every message arrives exactly once, in order.
 *
 * <p>Chromium and playwright-core as for {@link BrowserIT}.
 */
class EventSourceBrowserIT {
    @Test
    void eventSourceResumesAfterACutWithNoGapAndNoDuplicate() throws Exception {
        BrowserIT.prepare("unused-events.png");
        try (ServerProcess server = ServerProcess.start(Map.of("SORI_API_KEY", PushApiIT.KEY))) {
            BrowserIT.run("events.test.mjs", Map.of("SORI_URL", server.page().toString(), "SORI_API_KEY", PushApiIT.KEY),
                    server::output);
        }
    }
}
