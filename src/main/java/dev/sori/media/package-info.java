/**
 * Image uploads, from a request body to a file that is safe to store and to serve to everyone in
 * a room (issue 16; PROTOCOL.md, "Images and GIFs").
 *
 * <h2>Contract</h2>
 * {@link dev.sori.media.MediaIntake#accept} takes the body of {@code POST /media} as it arrives and
 * answers an {@link dev.sori.media.Intake}: a temporary file in the directory it was given (named
 * {@code upload-*.part}; the caller moves it into storage under its id, or deletes it), the content
 * id (lowercase hex SHA-256 of the stored bytes), the {@link dev.sori.media.ImageType}, width,
 * height, size and whether it is animated. Or it throws a {@link dev.sori.media.MediaRefusal}
 * carrying the HTTP status and the protocol's code, having deleted what it wrote:
 * <ul>
 * <li>413 {@code too_large}: more than {@code maxBytes} of file. Reading stops at {@code maxBytes}
 *     + 1 bytes of the body (of the file part, for multipart, whose body may carry
 *     {@link dev.sori.media.MediaIntake#MULTIPART_ALLOWANCE} more): the rest is never read, so the
 *     caller should answer and close the connection.</li>
 * <li>415 {@code unsupported}: the first bytes are none of GIF, PNG, JPEG, WebP. Decided from the
 *     first 16 bytes, so nothing more is read or written.</li>
 * <li>400 {@code invalid_argument}: empty; no {@code file} part or malformed multipart; truncated or
 *     damaged (the format's structure, walked without decoding pixels: PNG chunks and CRCs to IEND,
 *     JPEG segments to SOS and the scans to EOI, GIF blocks to the trailer, WebP's RIFF size and
 *     chunks); more than 16,384 pixels on a side; more than 50 megapixels in the picture or a frame
 *     (a decompression bomb: see {@code ImageLimits}).</li>
 * </ul>
 * Other {@link java.io.IOException}s are the client's connection or the server's disk, not a
 * verdict on the image.
 *
 * <h2>Why content decides</h2>
 * A name or a declared type is whatever the sender wants it to be: an HTML or SVG page named
 * {@code cat.gif} would run script if it were served as what it claims. So the declared type is
 * never read; the bytes pick the format, the format's own structure must hold from its header to
 * its end, and the file is only ever served as the format found (with {@code nosniff}). A file
 * that is a whole GIF or PNG followed by something else (a "polyglot" with a script tail) is
 * accepted as that image: every decoder stops at the image's end and no browser will treat an
 * {@code image/gif} with {@code nosniff} as a page. A "GIF89a" header in front of a page is not a
 * GIF and is refused. WebP's RIFF size must be the file's, and a JPEG is rewritten up to its EOI,
 * so neither keeps a tail.
 *
 * <h2>Privacy</h2>
 * A JPEG's metadata segments are removed on the way in, without re-encoding (see
 * {@code JpegScrubber}): EXIF (GPS, camera, dates, thumbnail), XMP, IPTC, comments; the colour
 * profile stays, and so does the EXIF orientation, in a new minimal EXIF of its own. The id is
 * the hash of the stored, cleaned file.
 *
 * <h2>Threading and memory</h2>
 * Blocking: {@code accept} is called on an HTTP worker thread and returns when the body's file has
 * arrived and been checked. A {@code MediaIntake} is immutable and serves any number of concurrent
 * calls. Memory per call is a few small buffers (16 KiB for the copy, 64 KiB for a JPEG segment or
 * the JPEG writer): the file goes to disk as it arrives, the walks read it back sequentially, and
 * only headers are read by ImageIO ({@code getWidth(0)}, never {@code read}).
 */
package dev.sori.media;
