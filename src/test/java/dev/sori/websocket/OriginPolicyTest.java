package dev.sori.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OriginPolicyTest {
    private final OriginPolicy sameOrigin = OriginPolicy.sameOriginOnly();

    @Test
    void aClientWithoutOriginIsAllowed() {
        assertThat(sameOrigin.allows(null, "chat.example.com")).isTrue();
        assertThat(sameOrigin.allows(null, null)).isTrue();
    }

    @Test
    void thePagesOwnOriginIsAllowed() {
        assertThat(sameOrigin.allows("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
        assertThat(sameOrigin.allows("https://Chat.Example.com", "chat.example.COM")).isTrue();
        assertThat(sameOrigin.allows("http://chat.example.com", "chat.example.com:80")).isTrue();
        assertThat(sameOrigin.allows("https://chat.example.com:443", "chat.example.com")).isTrue();
        assertThat(sameOrigin.allows("http://[::1]:8080", "[::1]:8080")).isTrue();
        // Behind a TLS-terminating proxy the page is https, the Host the public name: the scheme is not compared.
        assertThat(sameOrigin.allows("https://chat.example.com", "chat.example.com:443")).isTrue();
    }

    @Test
    void anotherHostOrPortIsRefused() {
        assertThat(sameOrigin.allows("http://evil.example", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("http://127.0.0.1:8081", "127.0.0.1:8080")).isFalse();
        assertThat(sameOrigin.allows("http://chat.example.com.evil.example", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("http://localhost:8080", "127.0.0.1:8080")).isFalse();
        assertThat(sameOrigin.allows("http://chat.example.com", "chat.example.com:8080")).isFalse();
    }

    @Test
    void malformedOriginsAndTheNullOriginAreRefused() {
        assertThat(sameOrigin.allows("null", "null")).isFalse();
        assertThat(sameOrigin.allows("", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("chat.example.com", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("http://chat.example.com/path", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("http://user@chat.example.com", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("file://", "chat.example.com")).isFalse();
        assertThat(sameOrigin.allows("http://chat.example.com", null)).isFalse();
        assertThat(sameOrigin.allows("http://chat.example.com", "chat.example.com/x")).isFalse();
    }

    @Test
    void theAllowListAddsExactOrigins() {
        OriginPolicy policy = OriginPolicy.parse(" https://app.example.com , http://localhost:3000,");

        assertThat(policy.allows("https://app.example.com", "chat.example.com")).isTrue();
        assertThat(policy.allows("https://APP.example.com:443", "chat.example.com")).isTrue();
        assertThat(policy.allows("http://localhost:3000", "chat.example.com")).isTrue();
        assertThat(policy.allows("http://app.example.com", "chat.example.com")).as("other scheme").isFalse();
        assertThat(policy.allows("http://localhost:3001", "chat.example.com")).isFalse();
        assertThat(policy.allows("https://sub.app.example.com", "chat.example.com")).isFalse();
        assertThat(policy.allows("https://chat.example.com", "chat.example.com")).as("own origin still").isTrue();
        assertThat(policy.describe()).contains("https://app.example.com:443", "http://localhost:3000");
    }

    @Test
    void aStarAllowsAnyOrigin() {
        OriginPolicy any = OriginPolicy.parse("*");

        assertThat(any.allows("http://evil.example", "chat.example.com")).isTrue();
        assertThat(any.allows("null", "chat.example.com")).isTrue();
        assertThat(any.describe()).isEqualTo("any origin");
    }

    @Test
    void anEmptyListMeansSameOriginOnly() {
        assertThat(OriginPolicy.parse(null).allows("http://a.example", "b.example")).isFalse();
        assertThat(OriginPolicy.parse("  ").describe()).isEqualTo("same origin only");
    }

    @Test
    void anEntryThatIsNotAnOriginIsAnError() {
        assertThatThrownBy(() -> OriginPolicy.parse("https://ok.example, chat.example.com"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chat.example.com");
        assertThatThrownBy(() -> OriginPolicy.parse("https://ok.example/path"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void loggedValuesAreOneShortPrintableLine() {
        assertThat(OriginPolicy.forLog("http://evil.example\r\nX-Injected: 1")).isEqualTo("http://evil.example??X-Injected: 1");
        assertThat(OriginPolicy.forLog("x".repeat(500))).hasSize(OriginPolicy.LOGGED_CHARS + 1).endsWith("…");
        assertThat(OriginPolicy.forLog(null)).isEqualTo("-");
    }
}
