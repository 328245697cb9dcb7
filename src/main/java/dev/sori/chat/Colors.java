package dev.sori.chat;

import java.util.Locale;

/**
 * A stable colour for an identity, derived from a hash of its id the way the color-hash
 * package does it for the gif-chat tutorial: the hash picks a hue and one of a few
 * saturations and lightnesses, chosen dark enough to read on a light background.
 */
public final class Colors {
    private static final double[] SATURATION = {0.55, 0.65, 0.75};
    private static final double[] LIGHTNESS = {0.30, 0.36, 0.42};

    private Colors() {
    }

    /** A {@code #rrggbb} colour for {@code key}; the same key always gives the same colour. */
    public static String of(String key) {
        long hash = bkdrHash(key);
        double hue = hash % 359;
        hash /= 360;
        double saturation = SATURATION[(int) (hash % SATURATION.length)];
        hash /= SATURATION.length;
        double lightness = LIGHTNESS[(int) (hash % LIGHTNESS.length)];
        return toHex(hue, saturation, lightness);
    }

    /** BKDR string hash, kept positive and within 2^53 as color-hash does. */
    static long bkdrHash(String key) {
        final long seed = 131;
        final long seed2 = 137;
        final long maxSafe = 9007199254740991L / seed2;
        long hash = 0;
        String s = key + 'x'; // color-hash's trick to spread short strings
        for (int i = 0; i < s.length(); i++) {
            if (hash > maxSafe) {
                hash /= seed2;
            }
            hash = hash * seed + s.charAt(i);
        }
        return hash;
    }

    static String toHex(double hueDegrees, double s, double l) {
        double c = (1 - Math.abs(2 * l - 1)) * s;
        double h = hueDegrees / 60.0;
        double x = c * (1 - Math.abs(h % 2 - 1));
        double r;
        double g;
        double b;
        if (h < 1) { r = c; g = x; b = 0; }
        else if (h < 2) { r = x; g = c; b = 0; }
        else if (h < 3) { r = 0; g = c; b = x; }
        else if (h < 4) { r = 0; g = x; b = c; }
        else if (h < 5) { r = x; g = 0; b = c; }
        else { r = c; g = 0; b = x; }
        double m = l - c / 2;
        return String.format(Locale.ROOT, "#%02x%02x%02x",
                Math.round((r + m) * 255), Math.round((g + m) * 255), Math.round((b + m) * 255));
    }
}
