package dev.sori.media;

/** What a format's walk learnt about the picture without decoding it. */
record ImageHeader(int width, int height, boolean animated) {
}
