package dev.sori.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiKeysTest {
    @Test
    void eachKeyOfTheListIsAcceptedAsBearerAndNothingElse() {
        ApiKeys keys = ApiKeys.parse(" old-key , new-key,,");
        assertThat(keys.configured()).isTrue();
        assertThat(keys.match("Bearer old-key")).isEqualTo(0);
        assertThat(keys.match("bearer new-key")).isEqualTo(1);
        assertThat(keys.match("Bearer  new-key ")).isEqualTo(1);
        assertThat(keys.match(null)).isEqualTo(-1);
        assertThat(keys.match("new-key")).isEqualTo(-1);
        assertThat(keys.match("Basic bmV3LWtleQ==")).isEqualTo(-1);
        assertThat(keys.match("Bearer new-ke")).isEqualTo(-1);
        assertThat(keys.match("Bearer new-keyy")).isEqualTo(-1);
        assertThat(keys.match("Bearer ")).isEqualTo(-1);
    }

    @Test
    void noKeyMeansNotConfiguredAndNeverShowsAKey() {
        assertThat(ApiKeys.parse(null).configured()).isFalse();
        assertThat(ApiKeys.parse(" , ").configured()).isFalse();
        assertThat(ApiKeys.parse(" , ").match("Bearer ")).isEqualTo(-1);
        assertThat(ApiKeys.parse("secret-one,secret-two").toString()).isEqualTo("ApiKeys[2 keys]");
    }
}
