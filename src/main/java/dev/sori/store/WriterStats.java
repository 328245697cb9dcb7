package dev.sori.store;

/**
 * Counters of a node's message writer since it started.
 *
 * @param transactions batches committed
 * @param committed    messages committed
 * @param failed       appends that were accepted and then failed (database trouble, missing room)
 * @param rejected     appends refused at once because the queue was full or the store closed
 * @param largestBatch the most messages committed in one transaction
 * @param pending      appends accepted and not yet completed
 */
public record WriterStats(long transactions, long committed, long failed, long rejected, int largestBatch,
        int pending) {
}
