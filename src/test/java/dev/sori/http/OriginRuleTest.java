package dev.sori.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sori.websocket.OriginPolicy;
import org.junit.jupiter.api.Test;

class OriginRuleTest {
    private static final String HOST = "chat.example:8080";
    private static final String OWN = "http://chat.example:8080";
    private static final String FOREIGN = "http://evil.example";
    private final OriginRule rule = new OriginRule(OriginPolicy.parse("https://app.example"));

    @Test
    void getAndHeadPassFromAnyOrigin() {
        assertThat(rule.refuses("GET", null, FOREIGN, HOST)).isFalse();
        assertThat(rule.refuses("HEAD", null, "null", HOST)).isFalse();
    }

    @Test
    void everyOtherMethodFromAForeignOriginIsRefused() {
        for (String method : new String[] {"POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get"}) {
            assertThat(rule.refuses(method, null, FOREIGN, HOST)).as(method).isTrue();
        }
    }

    @Test
    void theOwnOriginAnAllowListedOneAndNoOriginPass() {
        assertThat(rule.refuses("POST", null, OWN, HOST)).isFalse();
        assertThat(rule.refuses("POST", null, "https://app.example", HOST)).isFalse();
        assertThat(rule.refuses("POST", null, null, HOST)).isFalse();
    }

    @Test
    void aWebSocketUpgradeIsGuardedWhateverItsMethodOrSpelling() {
        assertThat(rule.refuses("GET", "websocket", FOREIGN, HOST)).isTrue();
        assertThat(rule.refuses("GET", "WebSocket", FOREIGN, HOST)).isTrue();
        assertThat(rule.refuses("GET", "h2c, websocket", FOREIGN, HOST)).isTrue();
        assertThat(rule.refuses("GET", "websocket", OWN, HOST)).isFalse();
        assertThat(rule.refuses("GET", "h2c", FOREIGN, HOST)).isFalse();
    }
}
