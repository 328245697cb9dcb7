package dev.sori.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ledger's checks must be able to fail: each broken promise is caught, a clean run passes. */
class DeliveryLedgerTest {
    private final DeliveryLedger ledger = new DeliveryLedger();

    private static DeliveryLedger.Seen m(long seq) {
        return new DeliveryLedger.Seen("u" + seq % 2, "nick", "text " + seq);
    }

    private void live(String client, long... seqs) {
        for (long s : seqs) {
            ledger.delivered(client, "r", s, m(s));
        }
    }

    @Test
    void aCleanRunWithARecoveryPassesEveryCheck() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        ledger.joined("b", "r", null, false, List.of(), List.of());
        live("a", 1, 2, 3);
        live("b", 1, 2);
        ledger.acked("a", "r", 2, "text 2");
        // b's node dies; b rejoins elsewhere with since=2 and recovers 3 and 4 from history.
        ledger.joined("b", "r", 2L, true, List.of(3L, 4L), List.of(m(3), m(4)));
        live("a", 4, 5);
        live("b", 5);

        ledger.assertEveryoneSaw("r", List.of("a", "b"));
        ledger.assertMatchesDatabase(Map.of("r", List.of(1L, 2L, 3L, 4L, 5L)), List.of("a", "b"));
        assertThat(ledger.seqs("b", "r")).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(ledger.last("b", "r")).isEqualTo(5);
    }

    @Test
    void messagesOfRoomsTheClientDidNotJoinItselfAreNotTracked() {
        ledger.delivered("a", "general", 7, m(7));
        assertThat(ledger.tracks("a", "general")).isFalse();
        assertThat(ledger.deliveries()).isZero();
    }

    @Test
    void aGapADuplicateAndAReorderingAreViolations() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        live("a", 1, 3, 3, 2);
        assertThat(ledger.violations()).containsExactly(
                "a in r: seq 3 after 1 (gap)", "a in r: seq 3 after 3 (duplicate)", "a in r: seq 2 after 3 (out of order)");
        assertThatThrownBy(ledger::assertConsistent).hasMessageContaining("3 delivery violation(s)");
    }

    @Test
    void twoClientsSeeingDifferentMessagesAtOneSeqDisagreeOnOrder() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        ledger.joined("b", "r", null, false, List.of(), List.of());
        ledger.delivered("a", "r", 1, new DeliveryLedger.Seen("u1", "x", "first"));
        ledger.delivered("b", "r", 1, new DeliveryLedger.Seen("u2", "y", "second"));
        assertThatThrownBy(ledger::assertConsistent).hasMessageContaining("r seq 1: b saw");
    }

    @Test
    void anAckForOneTextDeliveredAsAnotherIsAViolation() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        live("a", 1);
        ledger.acked("a", "r", 1, "something else");
        assertThatThrownBy(ledger::assertConsistent).hasMessageContaining("acked to a for \"something else\"");
    }

    @Test
    void aRecoveryThatSkipsMessagesIsAGap() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        live("a", 1, 2);
        ledger.joined("a", "r", 2L, true, List.of(4L), List.of(m(4)));
        assertThat(ledger.violations()).containsExactly("a in r: seq 4 after 2 (gap)");
    }

    @Test
    void aClientThatMissedTheEndOrAnAckedMessageFailsEveryoneSaw() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        ledger.joined("b", "r", null, false, List.of(), List.of());
        live("a", 1, 2, 3);
        live("b", 1, 2);
        ledger.acked("b", "r", 4, "text 4"); // acked, yet nobody got it
        assertThatThrownBy(() -> ledger.assertEveryoneSaw("r", List.of("a", "b")))
                .hasMessageContaining("a in r missed 4").hasMessageContaining("b in r missed 3..4");
    }

    @Test
    void theDatabaseMustHoldExactlyWhatWasAckedAndDeliveredWithNoGap() {
        ledger.joined("a", "r", null, false, List.of(), List.of());
        live("a", 1, 2, 3);
        ledger.acked("a", "r", 3, "text 3");
        assertThatThrownBy(() -> ledger.assertMatchesDatabase(Map.of("r", List.of(1L, 2L)), List.of("a")))
                .hasMessageContaining("acked but not in the database: 3")
                .hasMessageContaining("delivered but not in the database: 3");
        assertThatThrownBy(() -> ledger.assertMatchesDatabase(Map.of("r", List.of(1L, 2L, 3L, 5L)), List.of("a")))
                .hasMessageContaining("not 1..4").hasMessageContaining("a in r missed 5");
    }

    @Test
    void seqRangesReadShort() {
        assertThat(DeliveryLedger.summary(new java.util.TreeSet<>(List.of(1L, 2L, 3L, 5L, 7L, 8L))))
                .isEqualTo("1..3, 5, 7..8");
    }
}
