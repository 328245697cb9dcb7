package dev.sori.media;

import java.nio.file.Path;

/**
 * An accepted image, written to a temporary file that the caller now owns: it moves the file into
 * storage (under {@code id}) or deletes it.
 *
 * @param file     the image as it must be stored and served (its metadata already removed)
 * @param id       the lowercase hex SHA-256 of the file's bytes (64 characters): its content id
 * @param type     the format found in the bytes; {@link ImageType#mime()} is its {@code Content-Type}
 * @param width    in pixels, as a browser lays it out (a GIF's logical screen, a WebP's canvas)
 * @param height   in pixels
 * @param bytes    the file's size
 * @param animated a GIF with more than one frame, an animated PNG (APNG) or an animated WebP
 */
public record Intake(Path file, String id, ImageType type, int width, int height, long bytes, boolean animated) {
}
