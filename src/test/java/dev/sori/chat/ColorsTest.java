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
            assertThat(Colors.contrastOnWhite(Integer.parseInt(c.substring(1), 16))).as("contrast of %s", c).isGreaterThanOrEqualTo(4.5);
        }
    }

    @Test
    void anIdentitysColourStaysWhatItWas() {
        // Colours are shown next to stored messages: a change here would recolour everyone.
        assertThat(Colors.of("k0")).isEqualTo("#27863a");
        assertThat(Colors.of("k1")).isEqualTo("#2e8613");
        assertThat(Colors.of("k2")).isEqualTo("#217e1b");
    }

    @Test
    void hslConversionMatchesKnownValues() {
        assertThat(Colors.hex(Colors.rgb(0, 1, 0.5))).isEqualTo("#ff0000");
        assertThat(Colors.hex(Colors.rgb(120, 1, 0.25))).isEqualTo("#008000");
        assertThat(Colors.hex(Colors.rgb(240, 1, 0.5))).isEqualTo("#0000ff");
        assertThat(Colors.contrastOnWhite(0x000000)).isCloseTo(21.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(Colors.hex(0x00000a)).isEqualTo("#00000a");
        assertThat(Colors.contrastOnWhite(0xffffff)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }
}
