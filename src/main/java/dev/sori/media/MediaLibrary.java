package dev.sori.media;

import dev.sori.chat.Media;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Where uploaded images are kept: content-addressed (an image's id is the SHA-256 of its bytes,
 * so the same file uploaded twice is kept once), with who uploaded what and when.
 *
 * <p>Contract, for every implementation (one test suite runs against each):
 * <ul>
 * <li>{@link #keep} makes the image durable before it returns, and never shows a partial one:
 *     {@link #find} and {@link #copy} see all of its bytes or nothing.</li>
 * <li>An upload may be posted (see {@link #uploadedBy}) for {@link #POSTABLE_MILLIS} after it was
 *     made; an image that no message carries and no such upload names is removed by
 *     {@link #sweep}, which runs on every node of a cluster without harm.</li>
 * </ul>
 * Threading: every method blocks (disk or database) and may be called concurrently; callers are
 * HTTP workers, storage I/O threads and housekeeping, never a thread other users wait on.
 */
public interface MediaLibrary {
    /** How long an upload stays postable: a day, less an hour of margin before {@link #sweep} may take it. */
    long POSTABLE_MILLIS = 23 * 60 * 60 * 1000L;
    /** How long an upload keeps an image that no message carries. */
    long KEPT_UNPOSTED_MILLIS = 24 * 60 * 60 * 1000L;

    /**
     * Keeps the image whose bytes are {@code file} (a file in {@link #scratch()}; this call
     * moves or deletes it) as {@code media}, and records that {@code ownerId} uploaded it now.
     */
    void keep(Path file, Media media, String ownerId) throws IOException;

    /** The image of this id, or null. */
    Media find(String id);

    /** The image {@code ownerId} uploaded as {@code id} and may still post, or null. */
    Media uploadedBy(String ownerId, String id);

    /** Writes {@code length} bytes of the image from byte {@code from} to {@code out}. */
    void copy(String id, long from, long length, OutputStream out) throws IOException;

    /**
     * Removes the images that no message carries and that nobody uploaded in the last
     * {@link #KEPT_UNPOSTED_MILLIS} before {@code nowMillis}; returns how many.
     */
    int sweep(long nowMillis);

    /** A directory for uploads on their way in, on the same file system as the kept files where there are files. */
    Path scratch();
}
