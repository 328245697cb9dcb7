package dev.sori.chat;

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
        int rgb = rgb(hue, saturation, lightness);
        while (contrastOnWhite(rgb) < MIN_CONTRAST_ON_WHITE) {
            lightness -= 0.02;
            rgb = rgb(hue, saturation, lightness);
        }
        return hex(rgb);
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

    /** HSL to {@code 0xrrggbb}, each channel rounded to the nearest of 0-255. */
    static int rgb(double hueDegrees, double s, double l) {
        double c = (1 - Math.abs(2 * l - 1)) * s;
        double h = hueDegrees / 60.0;
        double x = c * (1 - Math.abs(h % 2 - 1));
        double r;
        double g;
        double b;
        if (h < 1) {
            r = c; g = x; b = 0;
        } else if (h < 2) {
            r = x; g = c; b = 0;
        } else if (h < 3) {
            r = 0; g = c; b = x;
        } else if (h < 4) {
            r = 0; g = x; b = c;
        } else if (h < 5) {
            r = x; g = 0; b = c;
        } else {
            r = c; g = 0; b = x;
        }
        double m = l - c / 2;
        return (channel(r + m) << 16) | (channel(g + m) << 8) | channel(b + m);
    }

    private static int channel(double v) {
        return (int) Math.round(v * 255);
    }

    /** {@code 0xrrggbb} as {@code #rrggbb}. (Every identity gets one; String.format cost more than the rest.) */
    static String hex(int rgb) {
        String digits = Integer.toHexString(rgb | 0x1000000); // the leading 1 keeps the zeros
        return "#" + digits.substring(1);
    }

    /** The WCAG contrast ratio of {@code 0xrrggbb} text on a white background. */
    static double contrastOnWhite(int rgb) {
        double luminance = 0.2126 * linear(rgb >> 16) + 0.7152 * linear(rgb >> 8) + 0.0722 * linear(rgb);
        return 1.05 / (luminance + 0.05);
    }

    private static double linear(int channel) {
        double v = (channel & 0xff) / 255.0;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
