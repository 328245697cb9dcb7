package dev.sori.chat;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The uploads a message may carry. Posting with {@code media} asks it whether that identity
 * uploaded that id recently enough to post it (an upload not posted within a day is removed).
 * Nothing here blocks the caller.
 */
public interface MediaCatalog {

    /** Keeps no uploads: every media id is unknown. */
    MediaCatalog NONE = (identityId, mediaId) -> CompletableFuture.completedFuture(Optional.empty());

    /** The media {@code identityId} uploaded as {@code mediaId} and may still post, else empty. */
    CompletionStage<Optional<Media>> uploadedBy(String identityId, String mediaId);
}
