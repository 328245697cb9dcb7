package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PasswordsTest {
    private final Passwords fast = new Passwords(1_000);

    @Test
    void aHashVerifiesItsPasswordAndNoOther() {
        String hash = fast.hash("correct horse");
        assertThat(fast.verify("correct horse", hash)).isTrue();
        assertThat(fast.verify("correct horsE", hash)).isFalse();
        assertThat(fast.verify("", hash)).isFalse();
        assertThat(fast.verify(null, hash)).isFalse();
    }

    @Test
    void theEncodingNamesAlgorithmIterationsAndSaltAndNeverThePassword() {
        String hash = fast.hash("비밀번호");
        String[] parts = hash.split("\\$");
        assertThat(parts).hasSize(4);
        assertThat(parts[0]).isEqualTo("pbkdf2-sha256");
        assertThat(parts[1]).isEqualTo("1000");
        assertThat(java.util.Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(java.util.Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(hash).doesNotContain("비밀번호");
    }

    @Test
    void everyHashHasItsOwnSalt() {
        assertThat(fast.hash("same")).isNotEqualTo(fast.hash("same"));
    }

    @Test
    void theDefaultIsSlowAndStillVerifies() {
        Passwords standard = new Passwords();
        String hash = standard.hash("pw");
        assertThat(hash).startsWith("pbkdf2-sha256$" + Passwords.DEFAULT_ITERATIONS + "$");
        assertThat(standard.verify("pw", hash)).isTrue();
    }

    @Test
    void oldHashesStillVerifyAndAskToBeUpgraded() {
        Passwords stronger = new Passwords(2_000);
        String old = fast.hash("pw");
        assertThat(stronger.verify("pw", old)).isTrue();
        assertThat(stronger.needsRehash(old)).isTrue();
        assertThat(stronger.needsRehash(stronger.hash("pw"))).isFalse();
        assertThat(fast.needsRehash(stronger.hash("pw"))).isFalse();
    }

    @Test
    void malformedOrHostileEncodingsNeverMatch() {
        String good = fast.hash("pw");
        String[] p = good.split("\\$");
        assertThat(fast.verify("pw", null)).isFalse();
        assertThat(fast.verify("pw", "")).isFalse();
        assertThat(fast.verify("pw", "plain")).isFalse();
        assertThat(fast.verify("pw", "md5$1000$" + p[2] + "$" + p[3])).isFalse();
        assertThat(fast.verify("pw", p[0] + "$notanumber$" + p[2] + "$" + p[3])).isFalse();
        assertThat(fast.verify("pw", p[0] + "$999999999$" + p[2] + "$" + p[3])).isFalse();
        assertThat(fast.verify("pw", p[0] + "$1000$!!!$" + p[3])).isFalse();
        assertThat(fast.verify("pw", good + "$extra")).isFalse();
        assertThat(fast.needsRehash("garbage")).isTrue();
    }

    @Test
    void emptyPasswordsAndSillyIterationCountsAreRefused() {
        assertThatThrownBy(() -> fast.hash("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Passwords(10)).isInstanceOf(IllegalArgumentException.class);
    }
}
