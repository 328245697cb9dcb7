package dev.sori.chat;

/**
 * A stable colour for an identity, derived from a hash of its id as the color-hash package does
 * for the gif-chat tutorial, but picked in OKLCH, a perceptually even colour space: the hash picks
 * a hue at one lightness and chroma, so every hue looks as strong as the others (in HSL a third
 * of the hues, the yellows and greens, had to be darkened into muddy olives to be readable). The
 * yellow-to-olive band, which no lightness readable on white makes clean, is left out. The
 * lightness is lowered where needed until the colour reaches 4.5:1 on white (WCAG AA), because
 * nicknames are text. An identity keeps the colour it was given (it is stored with it).
 */
public final class Colors {
    /** OKLCH lightness and chroma of every colour: dark enough for AA on white, vivid at every hue. */
    private static final double LIGHTNESS = 0.53;
    private static final double CHROMA = 0.15;
    /** OKLCH hues left out: yellow turning olive at this lightness. */
    static final double OLIVE_FROM = 80;
    static final double OLIVE_TO = 135;
    private static final double MIN_CONTRAST_ON_WHITE = 4.5;

    private Colors() {
    }

    /** A {@code #rrggbb} colour for {@code key}; the same key always gives the same colour. */
    public static String of(String key) {
        long hash = hash(key) >>> 1; // non-negative
        double span = 360 - (OLIVE_TO - OLIVE_FROM);
        double hue = (hash % 3600) / 3600.0 * span;
        if (hue >= OLIVE_FROM) {
            hue += OLIVE_TO - OLIVE_FROM;
        }
        double lightness = LIGHTNESS;
        int rgb = oklch(lightness, CHROMA, hue);
        while (contrastOnWhite(rgb) < MIN_CONTRAST_ON_WHITE) {
            lightness -= 0.01;
            rgb = oklch(lightness, CHROMA, hue);
        }
        return hex(rgb);
    }

    /**
     * OKLCH to {@code 0xrrggbb} (Björn Ottosson's OKLab), the chroma reduced until the colour is
     * inside sRGB rather than clipped channel by channel, which would shift its hue.
     */
    static int oklch(double l, double c, double hueDegrees) {
        double h = Math.toRadians(hueDegrees);
        for (double chroma = c; ; chroma -= 0.005) {
            double a = chroma * Math.cos(h);
            double b = chroma * Math.sin(h);
            double l1 = Math.pow(l + 0.3963377774 * a + 0.2158037573 * b, 3);
            double m1 = Math.pow(l - 0.1055613458 * a - 0.0638541728 * b, 3);
            double s1 = Math.pow(l - 0.0894841775 * a - 1.2914855480 * b, 3);
            double r = 4.0767416621 * l1 - 3.3077115913 * m1 + 0.2309699292 * s1;
            double g = -1.2684380046 * l1 + 2.6097574011 * m1 - 0.3413193965 * s1;
            double bl = -0.0041960863 * l1 - 0.7034186147 * m1 + 1.7076147010 * s1;
            boolean inGamut = within(r) && within(g) && within(bl);
            if (inGamut || chroma <= 0) {
                return (gamma(r) << 16) | (gamma(g) << 8) | gamma(bl);
            }
        }
    }

    /** A linear sRGB channel inside the gamut, give or take the rounding of the matrices above. */
    private static boolean within(double v) {
        return v >= -0.001 && v <= 1.001;
    }

    /** A linear sRGB channel to 0-255. */
    private static int gamma(double v) {
        double x = Math.max(0, Math.min(1, v));
        double encoded = x <= 0.0031308 ? 12.92 * x : 1.055 * Math.pow(x, 1 / 2.4) - 0.055;
        return (int) Math.round(encoded * 255);
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
