package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ColorsTest {

    @Test
    void sameKeySameColour() {
        assertThat(Colors.of("abc")).isEqualTo(Colors.of("abc")).matches("#[0-9a-f]{6}");
    }

    @Test
    void coloursSpreadOverManyKeys() {
        Set<String> colours = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            colours.add(Colors.of("identity-" + i));
        }
        assertThat(colours).hasSizeGreaterThan(300);
    }

    @Test
    void coloursMeetWcagAaContrastOnWhite() {
        for (int i = 0; i < 2000; i++) {
            String c = Colors.of("k" + i);
            assertThat(Colors.contrastOnWhite(c)).as("contrast of %s", c).isGreaterThanOrEqualTo(4.5);
        }
    }

    @Test
    void hslConversionMatchesKnownValues() {
        assertThat(Colors.toHex(0, 1, 0.5)).isEqualTo("#ff0000");
        assertThat(Colors.toHex(120, 1, 0.25)).isEqualTo("#008000");
        assertThat(Colors.toHex(240, 1, 0.5)).isEqualTo("#0000ff");
        assertThat(Colors.contrastOnWhite("#000000")).isCloseTo(21.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(Colors.contrastOnWhite("#ffffff")).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }
}
