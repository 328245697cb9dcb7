package dev.sori.chat;

import java.util.Locale;

/**
 * A stable colour for an identity, derived from a hash of its id the way the color-hash
 * package does it for the gif-chat tutorial: the hash picks a hue and one of a few saturations
 * and lightnesses. Unlike color-hash, the lightness is then lowered until the colour reaches a
 * 4.5:1 contrast on white (WCAG AA), because nicknames are text.
 */
public final class Colors {
    private static final double[] SATURATION = {0.55, 0.65, 0.75};
    private static final double[] LIGHTNESS = {0.30, 0.36, 0.42};
    private static final double MIN_CONTRAST_ON_WHITE = 4.5;

    private Colors() {
    }

    /** A {@code #rrggbb} colour for {@code key}; the same key always gives the same colour. */
    public static String of(String key) {
        long hash = hash(key) >>> 1; // non-negative
        double hue = hash % 360;
        hash /= 360;
        double saturation = SATURATION[(int) (hash % SATURATION.length)];
        hash /= SATURATION.length;
        double lightness = LIGHTNESS[(int) (hash % LIGHTNESS.length)];
        String color = toHex(hue, saturation, lightness);
        while (contrastOnWhite(color) < MIN_CONTRAST_ON_WHITE) {
            lightness -= 0.02;
            color = toHex(hue, saturation, lightness);
        }
        return color;
    }

    /** FNV-1a over the chars, then MurmurHash3's finaliser so that similar keys spread. */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static String toHex(double hueDegrees, double s, double l) {
        double c = (1 - Math.abs(2 * l - 1)) * s;
        double h = hueDegrees / 60.0;
        double x = c * (1 - Math.abs(h % 2 - 1));
        double[] rgb;
        if (h < 1) {
            rgb = new double[] {c, x, 0};
        } else if (h < 2) {
            rgb = new double[] {x, c, 0};
        } else if (h < 3) {
            rgb = new double[] {0, c, x};
        } else if (h < 4) {
            rgb = new double[] {0, x, c};
        } else if (h < 5) {
            rgb = new double[] {x, 0, c};
        } else {
            rgb = new double[] {c, 0, x};
        }
        double m = l - c / 2;
        return String.format(Locale.ROOT, "#%02x%02x%02x",
                Math.round((rgb[0] + m) * 255), Math.round((rgb[1] + m) * 255), Math.round((rgb[2] + m) * 255));
    }

    /** The WCAG contrast ratio of {@code #rrggbb} text on a white background. */
    static double contrastOnWhite(String hex) {
        double[] weights = {0.2126, 0.7152, 0.0722};
        double luminance = 0;
        for (int i = 0; i < 3; i++) {
            double v = Integer.parseInt(hex.substring(1 + 2 * i, 3 + 2 * i), 16) / 255.0;
            v = v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
            luminance += weights[i] * v;
        }
        return 1.05 / (luminance + 0.05);
    }
}
