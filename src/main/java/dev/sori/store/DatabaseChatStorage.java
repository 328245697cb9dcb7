package dev.sori.store;

import com.zaxxer.hikari.metrics.MetricsTrackerFactory;
import dev.sori.chat.Appended;
import dev.sori.chat.ChatStorage;
import dev.sori.chat.IdentityCatalog;
import dev.sori.chat.Media;
import dev.sori.chat.MediaCatalog;
import dev.sori.media.MediaLibrary;
import dev.sori.chat.Message;
import dev.sori.chat.MessageLog;
import dev.sori.chat.RoomCatalog;
import dev.sori.chat.RoomNotFoundException;
import dev.sori.chat.UnavailableException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The chat's storage seams ({@link MessageLog}, {@link RoomCatalog}, {@link IdentityCatalog})
 * on a {@link Storage}. Appends go to the store's group-commit writer; everything else is a
 * blocking JDBC call, so it runs here on a small pool of I/O threads of its own and completes a
 * stage there. No caller ever waits on the database.
 */
public final class DatabaseChatStorage implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DatabaseChatStorage.class.getName());
    /** Reads waiting for an I/O thread beyond this are refused as unavailable, not queued. */
    private static final int MAX_QUEUED_READS = 10_000;
    /** New identities per transaction at most (see {@link IdentityBatcher}). */
    private static final int IDENTITY_BATCH = 256;

    private final Storage storage;
    private final ExecutorService io;
    private final ChatStorage chatStorage;
    private final ScheduledExecutorService housekeeping;
    /** How often unused images are looked for (besides right after a room is deleted). */
    private static final long MEDIA_SWEEP_MINUTES = 10;

    public DatabaseChatStorage(Storage storage, int ioThreads) {
        this.storage = storage;
        AtomicInteger n = new AtomicInteger();
        this.io = new ThreadPoolExecutor(ioThreads, ioThreads, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED_READS), r -> {
                    Thread t = new Thread(r, "sori-store-io-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.chatStorage = new ChatStorage(new Messages(), new Rooms(), new Identities(), new Uploads());
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sori-store-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(this::sweepMedia, 1, MEDIA_SWEEP_MINUTES, TimeUnit.MINUTES);
    }

    /** The uploaded images, for the HTTP routes that take and serve them (blocking calls). */
    public MediaLibrary media() {
        return storage.media();
    }

    /** Removes the images nothing keeps any more; best effort (the next sweep retries). */
    private void sweepMedia() {
        try {
            storage.media().sweep(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "removing unused images failed: {0}", e.toString());
        }
    }

    private final class Uploads implements MediaCatalog {
        @Override
        public CompletionStage<Optional<Media>> uploadedBy(String identityId, String mediaId) {
            return onIo("finding an upload", () -> Optional.ofNullable(storage.media().uploadedBy(identityId, mediaId)));
        }
    }

    /** The seams to give the chat's {@code Hub}. */
    public ChatStorage chatStorage() {
        return chatStorage;
    }

    /** See {@link Storage#notReadyBecause()}: null when the database answers; never waits on it. */
    /** See {@link Storage#trackPools}. */
    public void trackPools(MetricsTrackerFactory tracker) {
        storage.trackPools(tracker);
    }

    public String notReadyBecause() {
        return storage.notReadyBecause();
    }

    /** Stops the I/O threads, then the storage (which commits or fails every accepted append). */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        io.shutdown();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.close();
    }

    private <T> CompletionStage<T> onIo(String what, Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, io).exceptionally(failure -> {
                throw translate(what, failure);
            });
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new UnavailableException("storage is overloaded (" + what + ")", e));
        }
    }

    /** Store failures as the chat understands them. */
    private static RuntimeException translate(String what, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof NoSuchRoomException missing) {
            return new RoomNotFoundException(missing.room());
        }
        if (cause instanceof StoreUnavailableException) {
            return new UnavailableException(what + ": " + cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException runtime) {
            return runtime;
        }
        return new CompletionException(cause);
    }

    private final class Messages implements MessageLog {
        private final MessageStore store = storage.messages();

        @Override
        public void onStored(Consumer<List<Message>> committed) {
            // The store calls its listeners on one thread, in commit order: each room in seq order.
            store.addCommitListener(committed::accept);
        }

        @Override
        public void observe(dev.sori.chat.ChatEvents events) {
            store.addTransactionListener(events::committed);
        }

        @Override
        public CompletionStage<Appended> append(Message draft) {
            return store.append(draft).handle((appended, failure) -> {
                if (failure != null) {
                    throw translate("storing a message", failure);
                }
                return appended;
            });
        }

        @Override
        public CompletionStage<List<Message>> range(String room, long after, long upTo) {
            return onIo("reading history", () -> store.range(room, after, upTo));
        }

        @Override
        public CompletionStage<Message> find(String room, long seq) {
            return onIo("reading a message", () -> store.find(room, seq));
        }

        @Override
        public CompletionStage<Void> delete(String room, long seq) {
            return onIo("deleting a message", () -> {
                if (store.delete(room, seq)) {
                    sweepMedia(); // its image, unless another message carries it
                }
                return null;
            });
        }

        @Override
        public CompletionStage<Recovery> recover(String room, long since, long upTo, int max) {
            return onIo("recovering messages", () -> {
                if (since > upTo) {
                    return new Recovery(List.of(), false);
                }
                dev.sori.store.Recovery found = store.since(room, since, max, 1);
                if (!found.recovered()) {
                    return new Recovery(List.of(), false);
                }
                // The store answers up to its latest commit; later ones reach this client live.
                List<Message> upToJoin = new ArrayList<>();
                for (Message m : found.messages()) {
                    if (m.seq() <= upTo) {
                        upToJoin.add(m);
                    }
                }
                return new Recovery(upToJoin, true);
            });
        }

        @Override
        public CompletionStage<List<Message>> before(String room, long before, int limit) {
            return onIo("reading history", () -> store.before(room, before, limit));
        }

        @Override
        public long lastSeq(String room) {
            return store.lastSeq(room);
        }

        @Override
        public CompletionStage<Void> deleteRoom(String room) {
            return CompletableFuture.completedFuture(null); // the room's row takes its history along
        }

        @Override
        public void close() {
            // the storage is closed by DatabaseChatStorage#close, after the hub
        }
    }

    private final class Rooms implements RoomCatalog {
        private final RoomStore store = storage.rooms();

        @Override
        public List<Saved> load() {
            List<Saved> saved = new ArrayList<>();
            for (StoredRoom room : store.list()) {
                if (!room.permanent()) {
                    saved.add(saved(room));
                }
            }
            return saved;
        }

        @Override
        public CompletionStage<List<Saved>> refresh() {
            return onIo("reading the rooms", () -> store.list().stream().map(Rooms::saved).toList());
        }

        private static Saved saved(StoredRoom room) {
            return new Saved(room.id(), room.title(), room.max(), room.passwordHash(), room.ownerId(), room.ownerNick(),
                    room.emptiedAt() == null ? 0 : room.emptiedAt().toEpochMilli(), room.lastSeq());
        }

        @Override
        public CompletionStage<Void> create(Saved room) {
            return onIo("creating a room", () -> {
                store.create(new NewRoom(room.id(), room.title(), room.max(), room.passwordHash(), room.ownerId()));
                return null;
            });
        }

        @Override
        public CompletionStage<Boolean> deleteIfEmptiedBefore(String id, long cutoffMillis) {
            return onIo("deleting an empty room", () -> {
                boolean deleted = store.deleteIfEmptiedBefore(id, Instant.ofEpochMilli(cutoffMillis));
                if (deleted) {
                    sweepMedia();
                }
                return deleted;
            });
        }

        @Override
        public CompletionStage<Void> delete(String id) {
            return onIo("deleting a room", () -> {
                store.delete(id);
                sweepMedia(); // its images, unless other messages carry them
                return null;
            });
        }

        @Override
        public void occupied(String id) {
            bestEffort("marking a room occupied", () -> store.markOccupied(id));
        }

        @Override
        public Map<String, Set<String>> loadBans() {
            return store.bans();
        }

        @Override
        public CompletionStage<Map<String, Set<String>>> refreshBans() {
            return onIo("reading bans", store::bans);
        }

        @Override
        public CompletionStage<Void> ban(String room, String uid, String byNick) {
            return onIo("banning", () -> {
                store.ban(room, uid, byNick);
                return null;
            });
        }

        @Override
        public CompletionStage<Void> unban(String room, String uid) {
            return onIo("unbanning", () -> {
                store.unban(room, uid);
                return null;
            });
        }

        @Override
        public void emptied(String id) {
            bestEffort("marking a room empty", () -> store.markEmptied(id));
        }
    }

    private final class Identities implements IdentityCatalog {
        private final IdentityStore store = storage.identities();
        // Group commit on the I/O threads: one transaction for the identities of a burst.
        private final IdentityBatcher batcher = new IdentityBatcher(store, io, IDENTITY_BATCH, MAX_QUEUED_READS);

        @Override
        public CompletionStage<Optional<Saved>> findByToken(String token) {
            return onIo("resuming an identity", () -> store.findByToken(token)
                    .map(found -> new Saved(found.id(), found.nick(), found.color())));
        }

        @Override
        public CompletionStage<Void> create(String id, String token, String nick, String color) {
            NewIdentity identity;
            try {
                identity = new NewIdentity(id, token, nick, color);
            } catch (IllegalArgumentException e) {
                return CompletableFuture.failedFuture(e);
            }
            return batcher.create(identity).handle((stored, failure) -> {
                if (failure != null) {
                    throw translate("saving an identity", failure);
                }
                return null;
            });
        }

        @Override
        public CompletionStage<Void> rename(String id, String nick) {
            return onIo("renaming an identity", () -> {
                store.rename(id, nick);
                return null;
            });
        }

        @Override
        public void seen(String id) {
            bestEffort("marking an identity seen", () -> store.seen(id));
        }

        @Override
        public void forgetUnseenSince(long epochMillis) {
            bestEffort("forgetting unused identities", () -> {
                int forgotten = store.forgetUnseenSince(java.time.Instant.ofEpochMilli(epochMillis));
                if (forgotten > 0) {
                    LOG.log(Level.INFO, "forgot {0,number,#} unused identities", forgotten);
                }
            });
        }
    }

    private void bestEffort(String what, Runnable call) {
        onIo(what, () -> {
            call.run();
            return null;
        }).exceptionally(failure -> {
            LOG.log(Level.DEBUG, "{0} failed: {1}", what, failure.toString());
            return null;
        });
    }
}
