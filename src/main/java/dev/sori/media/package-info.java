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
 * its end, and the file is only ever served as the format found (with {@code nosniff}). A whole
 * image followed by something else (a "polyglot" with a script tail) is accepted as that image
 * and stored without the tail: every walk copies up to the image's end (IEND, EOI, the GIF
 * trailer) and no further, and WebP's RIFF size must be the file's. A "GIF89a" header in front of
 * a page is not a GIF and is refused.
 *
 * <h2>Privacy</h2>
 * The walks copy the file to the one that is stored, leaving out what could say where, when or
 * with what a picture was taken, without re-encoding anything: JPEG's EXIF (GPS, camera, dates,
 * thumbnail), XMP, IPTC and comments ({@code JpegScrubber}: an allow-list of APP0, ICC profile and
 * Adobe segments); PNG's {@code eXIf}, text chunks and {@code tIME}; WebP's {@code EXIF} and
 * {@code XMP } chunks; GIF's comments and XMP. The EXIF orientation of a JPEG or PNG is kept in a
 * new minimal EXIF of its own, so the picture still displays upright. The id is the hash of the
 * stored, cleaned file, computed while it is written.

 * <h2>Threading and memory</h2>
 * Blocking: {@code accept} is called on an HTTP worker thread and returns when the body's file has
 * arrived and been checked. A {@code MediaIntake} is immutable and serves any number of concurrent
 * calls. Memory per call is a few small buffers (16 KiB to read, 64 KiB to write, one JPEG segment
 * of at most 64 KiB): the body goes to a first temporary file as it arrives, the format's walk
 * reads it front to back, writing the second (the result), and the first is deleted (a WebP is
 * read three times, as its RIFF size comes first: walked, its metadata measured, copied). ImageIO
 * reads only headers ({@code getWidth(0)}, never {@code read}). Disk per call: twice the file,
 * briefly.
 */
package dev.sori.media;
