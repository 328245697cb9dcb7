package dev.sori.chat;

import dev.sori.protocol.ErrorCode;
import dev.sori.protocol.ProtocolException;
import dev.sori.protocol.RoomInfo;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * Every use case of the chat, for any {@link Actor}: post, join, leave, create and delete rooms,
 * history, rename, typing, and moderation (remove, ban, unban, delete a message). No WebSocket here, nor any frame: a connection's request handlers
 * ({@link RequestHandlers}) call it, and so will an HTTP API. Rules are checked here (a refusal
 * is a {@link ProtocolException} with its code); storage failures come as
 * {@link UnavailableException} or {@link RoomNotFoundException}.
 *
 * <p>Nothing blocks: what needs storage or password hashing returns a stage, completed on that
 * work's thread.
 */
public final class ChatService {
    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;
    /** The most missed messages a {@code join} with {@code since} replays; beyond, recovered=false. */
    static final int MAX_RECOVERY = 1000;
    static final int MAX_PASSWORD_CHARS = 128;
    private static final CompletionStage<Void> DONE = CompletableFuture.completedFuture(null);
    /** The author id of every message posted through the HTTP API: one cid space for all API keys. */
    public static final String BOT_AUTHOR = "sori-api";
    /** A bot's nickname when the API caller gives none. */
    public static final String BOT_NICK = "Sori";
    /** Every bot's colour: the page shows bots alike, whatever nickname each gives. */
    static final String BOT_COLOR = "#4b5563";
    /**
     * The server itself acting through its HTTP API key: it moderates every room, {@code general}
     * included, and moderated people are told it was {@value #BOT_NICK}.
     */
    public static final Actor SERVER = new Actor() {
        private final Identity identity = new Identity(BOT_AUTHOR, "", BOT_NICK, BOT_COLOR,
                CompletableFuture.completedFuture(null));

        @Override
        public Identity identity() {
            return identity;
        }

        @Override
        public boolean moderatesEveryRoom() {
            return true;
        }
    };

    private final ChatSettings settings;
    private final Lobby lobby;
    private final MessageLog log;
    private final Identities identities;
    private final Passwords passwords;
    private final ExecutorService passwordHashing;
    private final PasswordGuard passwordGuard;
    private final ChatEvents events;
    private final MediaCatalog media;
    private final RoomCatalog catalog;
    private final RoomBus bus;

    ChatService(ChatSettings settings, Lobby lobby, MessageLog log, Identities identities, Passwords passwords,
                ExecutorService passwordHashing, PasswordGuard passwordGuard, ChatEvents events, MediaCatalog media,
                RoomCatalog catalog, RoomBus bus) {
        this.events = events;
        this.media = media;
        this.catalog = catalog;
        this.bus = bus;
        this.settings = settings;
        this.lobby = lobby;
        this.log = log;
        this.identities = identities;
        this.passwords = passwords;
        this.passwordHashing = passwordHashing;
        this.passwordGuard = passwordGuard;
    }

    /** A room by id, or {@code not_found}. */
    public Room room(String roomId) {
        Room room = lobby.find(roomId);
        if (room == null) {
            throw new ProtocolException(ErrorCode.NOT_FOUND, "no room \"" + Client.shorten(roomId) + "\"");
        }
        return room;
    }

    /** A room by id, or null. */
    public Room findRoom(String roomId) {
        return lobby.find(roomId);
    }

    /**
     * Posts {@code text} to {@code room} as {@code actor}. Completes once the message is stored
     * and delivered to the room (so the author's own copy goes out before its ack), or, for a
     * {@code cid} the author already stored, at once with that message as a duplicate, delivered
     * to nobody. With {@code echo} false, the acting connection is spared the message.
     */
    public CompletionStage<Appended> post(Actor actor, Room room, String text, String cid, boolean echo) {
        String valid = Messages.validateText(text, settings.maxMessageChars());
        return append(actor, room, valid, null, cid, echo, System.nanoTime());
    }

    /**
     * Posts the upload {@code mediaId} with {@code caption} (may be null or empty), as
     * {@link #post}. Only the identity that uploaded it may post it; any other id is
     * {@code not_found}, whoever uploaded it, so that ids cannot be probed.
     */
    public CompletionStage<Appended> postMedia(Actor actor, Room room, String caption, String mediaId, String cid,
                                               boolean echo) {
        String valid = Messages.validateCaption(caption, settings.maxMessageChars());
        long started = System.nanoTime();
        return media.uploadedBy(actor.identity().id(), mediaId).thenCompose(found -> {
            if (found.isEmpty()) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no such media");
            }
            return append(actor, room, valid, found.get(), cid, echo, started);
        });
    }

    /**
     * Posts {@code text} (and {@code image}, may be null, then with {@code text} its caption) to
     * {@code room} from a program through the HTTP API, as a bot named {@code nick} (null:
     * {@value #BOT_NICK}), as {@link #post} does: completes after the commit and the delivery, or
     * at once with the original for a {@code cid} the API stored before. Every API caller is one
     * author ({@link #BOT_AUTHOR}), so a {@code cid} is one message whatever nick it came with.
     */
    public CompletionStage<Appended> publish(String nick, Room room, String text, Media image, String cid) {
        String name = nick == null ? BOT_NICK : Nicknames.validate(nick);
        String valid = image == null ? Messages.validateText(text, settings.maxMessageChars())
                : Messages.validateCaption(text, settings.maxMessageChars());
        long started = System.nanoTime();
        Message draft = Message.botDraft(room.id(), BOT_AUTHOR, name, BOT_COLOR, valid, image, cid);
        return deliver(room, draft, started);
    }

    /**
     * Lets {@code watcher} hear {@code room} from now on ({@link RoomWatcher}), and returns the
     * stored messages after {@code since} (none when null) up to the first one it will hear, at
     * most the latest {@value #MAX_RECOVERY}: the backlog, then the live events, with no gap and
     * no duplicate. A room with a password is {@code forbidden}: the watcher would hear it
     * without one. On a failure the watcher is taken out again.
     */
    public CompletionStage<List<Message>> watch(Room room, RoomWatcher watcher, Long since) {
        if (room.isLocked()) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "the room has a password");
        }
        if (since != null && since < 0) {
            throw ProtocolException.invalidArgument("the last event id must be a seq, at least 0");
        }
        return catchUp(room, since).thenCompose(v -> {
            long upTo = room.watch(watcher);
            if (since == null || since >= upTo) {
                return CompletableFuture.completedFuture(List.<Message>of());
            }
            long from = Math.max(since, upTo - MAX_RECOVERY);
            return log.range(room.id(), from, upTo);
        }).whenComplete((backlog, failure) -> {
            if (failure != null) {
                room.unwatch(watcher);
            }
        });
    }

    /** Stops {@code watcher} hearing {@code room}. */
    public void unwatch(Room room, RoomWatcher watcher) {
        room.unwatch(watcher);
    }

    private CompletionStage<Appended> append(Actor actor, Room room, String text, Media image, String cid,
                                             boolean echo, long started) {
        Identity who = actor.identity();
        Message draft = Message.draft(room.id(), who.id(), who.nick(), who.color(), text, image, cid,
                echo ? null : actor.connectionId());
        return deliver(room, draft, started);
    }

    private CompletionStage<Appended> deliver(Room room, Message draft, long started) {
        return log.append(draft).thenCompose(appended -> {
            if (appended.duplicate()) {
                events.duplicatePost(appended.message());
                return CompletableFuture.completedFuture(appended);
            }
            return room.sequencer().delivered(appended.message().seq()).thenApply(v -> {
                events.posted(appended.message(), System.nanoTime() - started);
                return appended;
            });
        });
    }

    /**
     * A join admitted behind the room's gate, with its history loaded. The caller queues its
     * answer with {@link #open}, which lifts the gate: the member then gets that answer, then
     * every frame the room sent meanwhile, with no gap and no duplicate.
     */
    public record Entry(Room room, Client member, Room.Admission admission, MessageLog.Recovery history) {
        /** Queues {@code answer} (may be null) ahead of what the gate held, and lifts the gate. */
        public void open(EncodedFrame answer) {
            room.open(member, answer);
        }
    }

    /** Joins {@code member} to {@code room}: checks the password (if any), then enters it. */
    public CompletionStage<Entry> join(Client member, Room room, String password, Long since) {
        if (since != null && since < 0) {
            throw ProtocolException.invalidArgument("\"since\" must not be negative");
        }
        Identity identity = member.identity();
        if (room.isBanned(identity.uid())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "you are banned from this room");
        }
        boolean mayEnter = room.admitsWithoutPassword(identity) || room.hasMember(member);
        CompletionStage<Boolean> allowed;
        if (mayEnter) {
            allowed = CompletableFuture.completedFuture(true);
        } else if (password == null || password.isEmpty()) {
            allowed = CompletableFuture.completedFuture(false); // no guess: nothing to check or count
        } else {
            PasswordGuard.Attempt attempt = passwordGuard.begin(identity.id(), member.address());
            try {
                allowed = onPasswordThread(() -> passwords.verify(password, room.passwordHash()));
            } catch (ProtocolException e) {
                attempt.abandoned();
                throw e;
            }
            allowed = allowed.whenComplete((ok, failure) -> {
                if (failure != null) {
                    attempt.abandoned();
                } else if (ok) {
                    attempt.succeeded();
                } else {
                    attempt.failed();
                }
            });
        }
        return allowed.thenCompose(ok -> {
            if (!ok) {
                // Says nothing about the room beyond that this password does not open it.
                throw new ProtocolException(ErrorCode.FORBIDDEN, "wrong password");
            }
            if (!mayEnter) {
                room.passwordAccepted(identity);
            }
            return catchUp(room, since).thenCompose(v -> enter(member, room, since));
        });
    }

    /**
     * A client that saw {@code since} on another node may be ahead of this one, whose bus has not
     * brought the last messages yet: those are read from the log and delivered here first, so
     * that the recovery is exact instead of a wrong {@code recovered:false}. A {@code since}
     * beyond what the log has finds nothing, and the join answers as before.
     */
    private CompletionStage<Void> catchUp(Room room, Long since) {
        long delivered = room.lastDelivered();
        if (since == null || since <= delivered || since - delivered > MAX_RECOVERY) {
            return DONE;
        }
        return log.range(room.id(), delivered, since).thenAccept(found -> {
            if (!found.isEmpty()) {
                room.sequencer().offer(found);
            }
        });
    }

    /**
     * Admits {@code member} to {@code room} behind the room's gate and loads its history
     * (everything after {@code since}, or the latest page). On failure the member is taken out
     * again and the gate lifted.
     */
    private CompletionStage<Entry> enter(Client member, Room room, Long since) {
        Room.Admission admission = room.admit(member, true);
        if (!admission.alreadyMember()) {
            lobby.countChanged(room);
        }
        long upTo = admission.upTo();
        CompletionStage<MessageLog.Recovery> history = since == null
                ? latestPage(room, upTo)
                : log.recover(room.id(), since, upTo, MAX_RECOVERY).thenCompose(recovery -> recovery.recovered()
                        ? CompletableFuture.completedFuture(recovery)
                        : latestPage(room, upTo));
        return history.handle((recovery, failure) -> {
            if (failure != null) {
                if (!admission.alreadyMember() && room.leave(member)) {
                    lobby.countChanged(room);
                }
                room.open(member, null);
                throw failure instanceof CompletionException c ? c : new CompletionException(failure);
            }
            return new Entry(room, member, admission, recovery);
        });
    }

    private CompletionStage<MessageLog.Recovery> latestPage(Room room, long upTo) {
        return log.before(room.id(), upTo + 1, DEFAULT_PAGE).thenApply(page -> new MessageLog.Recovery(page, false));
    }

    /** Takes {@code member} out of {@code room}; the others are told. */
    public CompletionStage<Void> leave(Client member, Room room) {
        if (room.leave(member)) {
            lobby.countChanged(room);
        }
        return DONE;
    }

    /** Creates a room owned by {@code creator} and enters it (see {@link #join}). */
    public CompletionStage<Entry> createRoom(Client creator, String title, Integer max, String password) {
        String valid = Titles.validate(title);
        int cap = settings.maxRoomCapacity();
        if (max != null && (max < 2 || max > cap)) {
            throw ProtocolException.invalidArgument("\"max\" must be between 2 and " + cap);
        }
        String plain = password == null || password.isEmpty() ? null : password; // empty: an open room
        if (plain != null && plain.length() > MAX_PASSWORD_CHARS) {
            throw ProtocolException.invalidArgument("the password must be at most " + MAX_PASSWORD_CHARS + " characters");
        }
        Identity owner = creator.identity();
        CompletionStage<String> hash = plain == null ? CompletableFuture.completedFuture(null)
                : onPasswordThread(() -> passwords.hash(plain));
        return hash.thenCompose(passwordHash -> lobby.create(owner, valid, max, passwordHash))
                .thenCompose(room -> {
                    events.roomCreated(room.id(), owner.id(), room.isLocked());
                    return enter(creator, room, null);
                });
    }

    /** Deletes {@code room} with its history; only its owner may. */
    public CompletionStage<Void> deleteRoom(Actor actor, Room room) {
        if (!room.isOwnedBy(actor.identity())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "only the room's owner can delete it");
        }
        return lobby.delete(room).thenRun(() -> events.roomDeleted(room.id(), actor.identity().id()));
    }

    /**
     * Removes the identity of public id {@code uid} from {@code room} on every node, and with
     * {@code ban} keeps it out until unbanned (stored first). Only the room's owner, or an actor
     * that moderates every room (the server's API key), may; nobody removes themselves or the
     * owner. Removing someone who is not there is no error (a ban still applies).
     */
    public CompletionStage<Void> remove(Actor actor, Room room, String uid, boolean ban) {
        String target = requireUid(uid);
        requireModerator(actor, room);
        if (target.equals(actor.identity().uid())) {
            throw ProtocolException.invalidArgument("you cannot remove yourself; leave the room instead");
        }
        if (room.isOwnedByUid(target)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "the room's owner cannot be removed from it");
        }
        String by = actor.identity().nick();
        CompletionStage<Void> stored = ban ? catalog.ban(room.id(), target, by) : DONE;
        return stored.thenRun(() -> {
            bus.moderate(Moderation.removed(room.id(), target, ban, by));
            events.moderated(room.id(), ban ? "ban" : "kick", actor.identity().id());
        });
    }

    /** Lets {@code uid} into {@code room} again (the owner, or the API key). */
    public CompletionStage<Void> unban(Actor actor, Room room, String uid) {
        String target = requireUid(uid);
        requireModerator(actor, room);
        return catalog.unban(room.id(), target).thenRun(() -> {
            bus.moderate(new Moderation(room.id(), Moderation.Kind.UNBAN, target, 0, actor.identity().nick()));
            events.moderated(room.id(), "unban", actor.identity().id());
        });
    }

    /**
     * Deletes message {@code seq} of {@code room}: it stays as a tombstone (no text, no image) and
     * everyone in the room is told. Its author may, and so may the room's owner and the API key.
     * Deleting a deleted message again changes nothing and is no error.
     */
    public CompletionStage<Void> deleteMessage(Actor actor, Room room, Long seq) {
        if (seq == null || seq < 1) {
            throw ProtocolException.invalidArgument("\"seq\" must be a message's seq, at least 1");
        }
        return log.find(room.id(), seq).thenCompose(message -> {
            if (message == null) {
                throw new ProtocolException(ErrorCode.NOT_FOUND, "no message " + seq + " in this room");
            }
            boolean author = message.authorId() != null && message.authorId().equals(actor.identity().id());
            if (!author) {
                requireModerator(actor, room);
            }
            if (message.deleted()) {
                return DONE;
            }
            return log.delete(room.id(), seq).thenRun(() -> {
                bus.moderate(new Moderation(room.id(), Moderation.Kind.DELETE, null, seq, actor.identity().nick()));
                events.moderated(room.id(), "delete_message", actor.identity().id());
            });
        });
    }

    private static void requireModerator(Actor actor, Room room) {
        if (!actor.moderatesEveryRoom() && !room.isOwnedBy(actor.identity())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, room.id().equals(Hub.PUBLIC_ROOM)
                    ? "general is moderated with the server's API key only"
                    : "only the room's owner can do that");
        }
    }

    private static String requireUid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > 32) {
            throw ProtocolException.invalidArgument("\"uid\" must be a member's uid");
        }
        return uid;
    }

    /** Up to {@code limit} (default 50, at most 100) messages of {@code room} before {@code before}, oldest first. */
    public CompletionStage<List<Message>> history(Room room, Long before, Integer limit) {
        int n = limit == null ? DEFAULT_PAGE : limit;
        if (n < 1 || n > MAX_PAGE) {
            throw ProtocolException.invalidArgument("\"limit\" must be between 1 and " + MAX_PAGE);
        }
        long until = before == null ? Long.MAX_VALUE : before;
        if (until < 1) {
            throw ProtocolException.invalidArgument("\"before\" must be a seq, at least 1");
        }
        return log.before(room.id(), until, n);
    }

    /** Tells the other members of {@code room} that {@code member} is typing. */
    public CompletionStage<Void> typing(Client member, Room room) {
        room.typing(member);
        return DONE;
    }

    /**
     * Renames {@code member}'s identity. The new name shows at once in the member's rooms and the
     * lobby; the stage completes once the identity catalog has it.
     */
    public CompletionStage<Identity> rename(Client member, String requested) {
        String nick = Nicknames.validate(requested);
        Identity identity = member.identity();
        String old = identity.nick();
        if (nick.equals(old)) {
            return CompletableFuture.completedFuture(identity);
        }
        CompletionStage<Void> saved = identities.rename(identity, nick);
        for (Room room : member.rooms()) {
            room.announceRename(identity, old);
        }
        lobby.ownerRenamed(identity);
        return saved.thenApply(v -> identity);
    }

    /** Every room, {@code general} first, then by title. */
    public List<RoomInfo> rooms() {
        return lobby.list();
    }

    private <T> CompletionStage<T> onPasswordThread(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, passwordHashing);
        } catch (RejectedExecutionException e) {
            throw new ProtocolException(ErrorCode.RATE_LIMITED, "too many password checks right now; try again shortly");
        }
    }
}
