package dev.sori.media;

/** The largest picture Sori accepts, whatever its file size: a small file can decode to a huge one. */
final class ImageLimits {
    /** Pixels on a side: Chromium, Firefox and Safari refuse or tile beyond 16,384 (and the issue says so). */
    static final int MAX_SIDE = 16_384;

    /**
     * Pixels in one picture (or one frame of an animation). A browser decodes to 4 bytes a pixel, so
     * 50 megapixels is 200 MB in every viewer's tab for one message: the most one upload may cost
     * others. A 50-megapixel phone photo (8,160 x 6,120) passes; a 16,000 x 16,000 PNG of one
     * colour, a few KB of IDAT that would inflate to 1 GB, does not (a decompression bomb).
     */
    static final long MAX_PIXELS = 50_000_000L;

    private ImageLimits() {
    }

    /** Refuses an empty, an over-wide or an over-budget picture; {@code what} says which (image, frame). */
    static void check(long width, long height, String what) throws MediaRefusal {
        if (width < 1 || height < 1) {
            throw MediaRefusal.invalid("the " + what + " has no width or height");
        }
        if (width > MAX_SIDE || height > MAX_SIDE) {
            throw MediaRefusal.invalid("the " + what + " is " + width + " x " + height
                    + " pixels; at most " + MAX_SIDE + " pixels on a side");
        }
        if (width * height > MAX_PIXELS) {
            throw MediaRefusal.invalid("the " + what + " is " + width + " x " + height
                    + " pixels, over the budget of " + MAX_PIXELS / 1_000_000 + " megapixels");
        }
    }
}
