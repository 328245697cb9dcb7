package dev.sori.media;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import org.apache.commons.fileupload2.core.FileUploadException;

/**
 * Takes an uploaded image from a request body to a temporary file that is safe to store and serve:
 * read within the limit, recognised by its bytes, checked whole, sized, stripped of JPEG metadata,
 * and named by the SHA-256 of what will be stored. One instance serves every request; each call is
 * independent (see the package comment for the contract).
 */
public final class MediaIntake {
    /**
     * What a multipart body may carry besides the file's bytes: boundaries, part headers, small
     * fields. Past {@code maxBytes} plus this, reading stops with 413 as for the file itself.
     */
    public static final int MULTIPART_ALLOWANCE = 64 * 1024;

    private static final System.Logger LOG = System.getLogger(MediaIntake.class.getName());
    private static final String TEMP_PREFIX = "upload-";
    private static final String TEMP_SUFFIX = ".part";

    private final Path directory;
    private final long maxBytes;

    /**
     * @param directory where temporary files are written; the caller's storage should be on the same
     *                  file system, so that moving the result into place is an atomic rename
     * @param maxBytes  the largest file accepted, in bytes (the protocol's default is 5 MiB)
     */
    public MediaIntake(Path directory, long maxBytes) {
        this.directory = Objects.requireNonNull(directory, "directory");
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * Reads one upload and answers the image, in a temporary file the caller now owns (move it into
     * storage or delete it). Blocks while the body arrives; reads nothing after the file's last byte
     * and nothing past {@code maxBytes} + 1.
     *
     * @param body        the request body, as it arrives; not closed here
     * @param contentType the request's {@code Content-Type}: {@code multipart/form-data; boundary=...}
     *                    means the file is the part named {@code file}; anything else (or null) means
     *                    the body is the file. Never used to tell the format.
     * @throws MediaRefusal 413 {@code too_large}, 415 {@code unsupported} or 400 {@code invalid_argument};
     *                      no temporary file is left behind
     * @throws IOException  reading the body (the client went away) or writing the temporary file failed;
     *                      no temporary file is left behind
     */
    public Intake accept(InputStream body, String contentType) throws MediaRefusal, IOException {
        Path received = null;
        Path stored = null;
        try {
            InputStream file = FormPart.isFormData(contentType)
                    ? FormPart.open(new CappedInputStream(body, maxBytes + MULTIPART_ALLOWANCE), contentType)
                    : body;
            file = new CappedInputStream(file, maxBytes);
            byte[] head = file.readNBytes(ImageType.HEAD_BYTES);
            if (head.length == 0) {
                throw MediaRefusal.invalid("the file is empty");
            }
            ImageType type = ImageType.sniff(head).orElseThrow(MediaRefusal::unsupported);
            received = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
            try (OutputStream out = Files.newOutputStream(received)) {
                out.write(head);
                file.transferTo(out);
            }
            MessageDigest digest = sha256();
            ImageHeader walked = type == ImageType.WEBP ? WebpStructure.walk(received) : null;
            stored = Files.createTempFile(directory, TEMP_PREFIX, TEMP_SUFFIX);
            ImageHeader header;
            // The buffer in front of the digest: the walks write a few bytes at a time.
            try (OutputStream out = new BufferedOutputStream(
                    new DigestOutputStream(Files.newOutputStream(stored), digest), 64 * 1024)) {
                header = switch (type) {
                    case JPEG -> JpegScrubber.scrub(received, out);
                    case PNG -> PngStructure.copy(received, out);
                    case GIF -> GifStructure.copy(received, out);
                    case WEBP -> {
                        WebpStructure.copyWithoutMetadata(received, out);
                        yield walked;
                    }
                };
            }
            Files.delete(received);
            received = null;
            if (type == ImageType.PNG || type == ImageType.JPEG) {
                agreeWithImageIo(stored, type, header);
            }
            ImageLimits.check(header.width(), header.height(), "image");
            Intake intake = new Intake(stored, HexFormat.of().formatHex(digest.digest()), type,
                    header.width(), header.height(), Files.size(stored), header.animated());
            stored = null;
            return intake;
        } catch (IOException e) {
            if (CappedInputStream.isOverCap(e)) {
                throw MediaRefusal.tooLarge(maxBytes);
            }
            if (e instanceof FileUploadException) {
                throw MediaRefusal.invalid("the multipart/form-data body is malformed");
            }
            throw e;
        } finally {
            deleteIfPresent(received);
            deleteIfPresent(stored);
        }
    }

    /**
     * A second opinion from the JDK's own reader, which reads the header only (IHDR; a JPEG's tables
     * and frame header): if it cannot, or finds another size than the walk did, the file is refused.
     */
    private static void agreeWithImageIo(Path file, ImageType type, ImageHeader header) throws MediaRefusal {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(type == ImageType.PNG ? "png" : "jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("the JDK has no ImageIO reader for " + type);
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            reader.setInput(in, true, true);
            if (reader.getWidth(0) != header.width() || reader.getHeight(0) != header.height()) {
                throw MediaRefusal.invalid("the " + type + " is damaged (its headers disagree on its size)");
            }
        } catch (IOException | RuntimeException e) {
            throw MediaRefusal.invalid("the " + type + " cannot be decoded");
        } finally {
            reader.dispose();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Never throws: a refusal or a failure already on its way must reach the caller, not a cleanup error. */
    private static void deleteIfPresent(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "upload temp file not deleted: " + e.getClass().getSimpleName());
            }
        }
    }
}
