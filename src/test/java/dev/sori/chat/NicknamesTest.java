package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NicknamesTest {

    @Test
    void anonymousNamesHaveFourDigits() {
        Random random = new Random(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(Nicknames.anonymous(random)).matches("Anon-[1-9][0-9]{3}");
        }
    }

    @Test
    void trimsAndAcceptsUnicode() {
        assertThat(Nicknames.validate("  nico  ")).isEqualTo("nico");
        assertThat(Nicknames.validate("소리")).isEqualTo("소리");
        assertThat(Nicknames.validate("👩‍💻 dev")).isEqualTo("👩‍💻 dev"); // emoji with a zero-width joiner
        assertThat(Nicknames.validate("x".repeat(32))).hasSize(32);
        assertThat(Nicknames.validate("😀".repeat(32))).hasSize(64); // 32 code points, 64 UTF-16 units
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "\t", "a\nb", "a\u0000b", "a\u007fb", "evil\u202Egnp.exe", "a\u2066b",
            "zero\u200Bwidth", "a\u2028b"})
    void refusesEmptyControlAndFormattingCharacters(String nick) {
        assertThatThrownBy(() -> Nicknames.validate(nick)).isInstanceOfSatisfying(ProtocolException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void refusesMoreThan32Characters() {
        assertThatThrownBy(() -> Nicknames.validate("x".repeat(33))).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("32");
    }

    @Test
    void htmlIsJustText() {
        assertThat(Nicknames.validate("<script>x</script>")).isEqualTo("<script>x</script>");
    }
}
