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
        // Identities keep the colour they were given (it is stored), but a change here changes
        // the colours of everyone in memory-only mode at the next start: make it on purpose.
        assertThat(Colors.of("k0")).isEqualTo("#056fbb");
        assertThat(Colors.of("k1")).isEqualTo("#0e7c73");
        assertThat(Colors.of("k2")).isEqualTo("#066fb8");
    }

    /** Issue 15, finding 10: a third of the colours were muddy greens and olives. */
    @Test
    void noColourIsAnOliveAndFewAreGreen() {
        int yellowToOlive = 0;
        int green = 0;
        for (int i = 0; i < 2000; i++) {
            int rgb = Integer.parseInt(Colors.of("k" + i).substring(1), 16);
            float hue = java.awt.Color.RGBtoHSB(rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff, null)[0] * 360;
            if (hue >= 45 && hue < 90) {
                yellowToOlive++;
            } else if (hue >= 90 && hue < 150) {
                green++;
            }
        }
        assertThat(yellowToOlive).isZero();
        assertThat(green).as("greens of 2,000").isLessThan(200); // about a third before
    }

    @Test
    void oklchConversionMatchesKnownValues() {
        assertThat(Colors.hex(Colors.oklch(0.627955, 0.257683, 29.2339))).isEqualTo("#ff0000");
        assertThat(Colors.hex(Colors.oklch(0.519752, 0.176858, 142.4953))).isEqualTo("#008000");
        assertThat(Colors.hex(Colors.oklch(0.452014, 0.313214, 264.052))).isEqualTo("#0000ff");
        assertThat(Colors.hex(Colors.oklch(1, 0, 0))).isEqualTo("#ffffff");
        assertThat(Colors.contrastOnWhite(0x000000)).isCloseTo(21.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(Colors.hex(0x00000a)).isEqualTo("#00000a");
        assertThat(Colors.contrastOnWhite(0xffffff)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.01));
    }
}
