package dev.sori.http;

import dev.sori.chat.Hub;
import dev.sori.chat.Identity;
import dev.sori.chat.Media;
import dev.sori.chat.PerKeyRate;
import dev.sori.media.Intake;
import dev.sori.media.MediaIntake;
import dev.sori.media.MediaLibrary;
import dev.sori.media.MediaRefusal;
import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.Json;
import dev.sori.protocol.MediaInfo;
import dev.sori.store.StoreUnavailableException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /media}: takes an image from an identity (its token as {@code Bearer}), checks it
 * by its bytes ({@link MediaIntake}) and keeps it ({@link MediaLibrary}); answers {@code 201}
 * with the image's description, which a {@code new_message} then names. Each refusal is a status
 * and {@code {"code","message"}} as the protocol lists them.
 *
 * <p>Runs on an HTTP worker and blocks while the body arrives (read in small parts, never more
 * than the limit); the edge's minimum body rate, not a deadline, cuts an upload that stalls.
 */
final class UploadRoute implements HttpRoute {
    private static final System.Logger LOG = System.getLogger(UploadRoute.class.getName());
    private static final long LOOKUP_SECONDS = 10;

    private final Hub hub;
    private final MediaLibrary library;
    private final MediaIntake intake;
    private final PerKeyRate rate;
    private final long maxBytes;

    UploadRoute(Hub hub, MediaLibrary library) {
        this.hub = hub;
        this.library = library;
        this.maxBytes = hub.settings().maxUploadBytes();
        this.intake = new MediaIntake(library.scratch(), maxBytes);
        this.rate = new PerKeyRate(hub.settings().uploadsPerMinute(), System::nanoTime);
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Identity who;
        try {
            who = identify(exchange.header("Authorization"));
        } catch (StoreUnavailableException | TimeoutException | ExecutionException e) {
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "identities cannot be checked right now");
            return;
        }
        if (who == null) {
            exchange.header("WWW-Authenticate", "Bearer");
            refuse(exchange, 401, ErrorCode.FORBIDDEN, "an upload needs the identity token from welcome, as Bearer");
            return;
        }
        long wait = rate.take(who.id());
        if (wait > 0) {
            exchange.header("Retry-After", Long.toString(wait));
            refuse(exchange, 429, ErrorCode.RATE_LIMITED, "too many uploads; try again in " + wait + " s");
            return;
        }
        long declared = exchange.requestLength();
        if (declared > maxBytes + MediaIntake.MULTIPART_ALLOWANCE) {
            refuse(exchange, 413, ErrorCode.TOO_LARGE, "images are at most " + maxBytes + " bytes");
            return;
        }
        Intake taken;
        try {
            taken = intake.accept(exchange.requestBody(), exchange.header("Content-Type"));
        } catch (MediaRefusal r) {
            refuse(exchange, r.status(), ErrorCode.valueOf(r.code().toUpperCase(Locale.ROOT)), r.getMessage());
            return;
        }
        Media media = new Media(taken.id(), taken.type().mime(), taken.width(), taken.height(), taken.bytes());
        try {
            library.keep(taken.file(), media, who.id());
        } catch (StoreUnavailableException e) {
            LOG.log(Level.WARNING, "upload: cannot keep an image: {0}", e.getMessage());
            Problem.respond(exchange, 503, ErrorCode.UNAVAILABLE, "the image cannot be kept right now; nothing was stored");
            return;
        }
        LOG.log(Level.INFO, "upload: identity {0} kept {1} ({2}, {3,number,#} bytes)", who.id(), media.id(),
                media.type(), media.bytes());
        exchange.header("Cache-Control", "no-store");
        exchange.header("Location", MediaInfo.url(media.id()));
        exchange.respond(201, "application/json", Json.write(new MediaInfo(media.id(), media.type(), media.width(),
                media.height(), media.bytes(), MediaInfo.url(media.id()))));
    }

    /**
     * A refusal before the body was read (or while it was not all read): the connection is closed
     * after it, rather than read to its end, so the server never takes more than the limit.
     */
    private static void refuse(HttpExchange exchange, int status, ErrorCode code, String message) throws IOException {
        exchange.header("Connection", "close");
        Problem.respond(exchange, status, code, message);
    }

    private Identity identify(String authorization) throws ExecutionException, TimeoutException {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).trim();
        try {
            Optional<Identity> found = hub.identity(token).toCompletableFuture().get(LOOKUP_SECONDS, TimeUnit.SECONDS);
            return found.orElse(null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TimeoutException("interrupted");
        }
    }
}
