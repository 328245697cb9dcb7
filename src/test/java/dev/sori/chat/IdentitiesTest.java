package dev.sori.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdentitiesTest {

    /** A catalog whose creates complete when the test says so. */
    private static final class SlowCatalog implements IdentityCatalog {
        final List<CompletableFuture<Void>> creates = new ArrayList<>();
        final List<String> ids = new ArrayList<>();

        @Override
        public CompletionStage<Optional<Saved>> findByToken(String token) {
            return CompletableFuture.completedFuture(Optional.empty());
        }

        @Override
        public synchronized CompletionStage<Void> create(String id, String token, String nick, String color) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            creates.add(f);
            ids.add(id);
            return f;
        }

        @Override
        public CompletionStage<Void> rename(String id, String nick) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void seen(String id) {
        }

        @Override
        public void forgetUnseenSince(long epochMillis) {
        }
    }

    @Test
    void aFreshIdentityIsGivenOnlyOnceTheCatalogHasStoredIt() throws Exception {
        SlowCatalog catalog = new SlowCatalog();
        Identities identities = new Identities(100, catalog);

        CompletableFuture<Identity> fresh = identities.resume(null).toCompletableFuture();
        CompletableFuture<Identity> unknown = identities.resume("a-token-nobody-gave").toCompletableFuture();

        assertThat(catalog.creates).hasSize(2);
        assertThat(fresh).isNotDone();
        assertThat(unknown).isNotDone();
        catalog.creates.get(0).complete(null);
        assertThat(fresh.get(5, TimeUnit.SECONDS).id()).isEqualTo(catalog.ids.get(0));
        assertThat(unknown).isNotDone();
        // A failed save still gives the identity (for this process only): the user keeps chatting.
        catalog.creates.get(1).completeExceptionally(new UnavailableException("database down", null));
        assertThat(unknown.get(5, TimeUnit.SECONDS).id()).isEqualTo(catalog.ids.get(1));
        // Once given, the token resumes it at once.
        Identity resumed = identities.resume(fresh.get().token()).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(resumed).isSameAs(fresh.get());
    }

    @Test
    void idsAreUlidsThatSortInTheOrderTheyWereMade() {
        Identities identities = new Identities(100, IdentityCatalog.NONE);
        long t = 1_763_700_000_000L;
        List<String> made = new ArrayList<>();
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 2_000; i++) {
            String id = identities.newId(t + i / 10); // ten in each millisecond
            assertThat(id).hasSize(26).matches("[0-9A-HJKMNP-TV-Z]{26}");
            made.add(id);
            distinct.add(id);
        }
        assertThat(distinct).hasSize(2_000);
        for (int i = 10; i < made.size(); i += 10) {
            assertThat(made.get(i)).as("a later millisecond sorts after").isGreaterThan(made.get(i - 1));
        }
        // The time part is the milliseconds in Crockford's base32 (as in any ULID).
        assertThat(identities.newId(0)).startsWith("0000000000");
        assertThat(identities.newId(1_469_918_176_385L)).startsWith("01ARYZ6S41");
    }

    @Test
    void tokensStartWithTheirIdsTimeSoThatTheyTooSortInTheOrderTheyWereMade() throws Exception {
        Identities identities = new Identities(100, IdentityCatalog.NONE);
        String earlier = identities.newToken(identities.newId(1_763_700_000_000L));
        String id = identities.newId(1_763_700_000_001L);
        String token = identities.newToken(id);

        assertThat(token).hasSize(53).startsWith(id.substring(0, 10)).matches("[0-9A-HJKMNP-TV-Z]{10}[A-Za-z0-9_-]{43}");
        assertThat(token).isGreaterThan(earlier);
        assertThat(identities.newToken(id)).as("the secret part is random").isNotEqualTo(token);
        assertThat(Identities.timePrefix(token)).isEqualTo(id.substring(0, 10));
        // The tokens a server gives out have it.
        Identity fresh = identities.resume(null).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(Identities.timePrefix(fresh.token())).isEqualTo(fresh.id().substring(0, 10));
    }

    @Test
    void tokensOfTheEarlierLayoutAndStrangersHaveNoTimePrefix() {
        String secret = "Zk3m0c1Yqv2-4xWjR8pL_tN6bH9sD0aE5gU7iO3yK1w"; // 43 characters, the earlier layout
        assertThat(Identities.timePrefix(secret)).isEmpty();
        assertThat(Identities.timePrefix("")).isEmpty();
        assertThat(Identities.timePrefix("not-a-token-this-server-gave")).isEmpty();
        // 53 characters, but 'I', 'L', 'O' and 'U' are not in Crockford's alphabet.
        assertThat(Identities.timePrefix("01ARYZ6S4I" + secret)).isEmpty();
        assertThat(Identities.timePrefix("01ARYZ6S41" + secret)).isEqualTo("01ARYZ6S41");
    }
}
