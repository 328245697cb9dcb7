package dev.sori.chat;

/**
 * An image a message carries: an upload's content id and what was read from its bytes. Immutable,
 * like the bytes it names (the id is their SHA-256), so a message may keep a copy of it.
 *
 * @param id     the content id: lowercase hex SHA-256 of the stored bytes
 * @param type   its MIME type, detected from the bytes ({@code image/gif}, {@code image/png},
 *               {@code image/jpeg}, {@code image/webp})
 * @param width  in pixels
 * @param height in pixels
 * @param bytes  its size as stored
 */
public record Media(String id, String type, int width, int height, long bytes) {
}
