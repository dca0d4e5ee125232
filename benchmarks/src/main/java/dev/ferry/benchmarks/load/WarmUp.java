package dev.ferry.benchmarks.load;

import java.util.Map;

/**
 * When a row of the load run has warmed up: its warm-up rounds, whose figures are dropped, go on until no server's CPU
 * time per operation fell by more than {@link #SETTLED_DROP} from one warm-up round to the next, with at least
 * {@code least} and at most {@code most} rounds.
 *
 * <p>A server whose JIT is still compiling a row's path costs less in each round than in the one before, and a round
 * that measures the compiler is not a sample of the server. How long that lasts depends on the row: the echo rows
 * are close to their steady cost after one round, but a handshake runs through far more code (the HTTP parser, the
 * upgrade, the opening and the closing of a session): a fresh Ferry on Jetty spent 836, 480, 216 and 172 us of CPU per
 * handshake in its first four rounds and 154 to 169 us in the four after them. A fixed count either wastes rounds on
 * the echo rows or records the compiler on the handshake row; this asks the servers instead.
 *
 * <p>Thread contract: used by the run's one thread.
 */
final class WarmUp {

    /** How much cheaper a round may be than the one before while the row counts as warmed up: 10%. */
    static final double SETTLED_DROP = 0.10;

    private final int least;
    private final int most;
    private Map<String, Double> previous = Map.of();
    /** The last round could be compared with the one before, and no server's cost fell by more than the margin. */
    private boolean settled;
    /** The last round was compared with the one before, and some server's cost fell by more than the margin. */
    private boolean falling;
    private int rounds;

    /**
     * How a row's warm-up ended: after {@code rounds} rounds, with some server's cost still falling by more than
     * {@link #SETTLED_DROP} in the last of them (the bound ended it, not the servers) or not.
     */
    record Outcome(int rounds, boolean stillFalling) {
    }

    /** @throws IllegalArgumentException if {@code least} is negative or {@code most} below it */
    WarmUp(int least, int most) {
        if (least < 0 || most < least) {
            throw new IllegalArgumentException("expected 0 <= least <= most warm-up rounds, got " + least + " and "
                    + most);
        }
        this.least = least;
        this.most = most;
    }

    /** Whether the row needs another warm-up round. */
    boolean wantsAnother() {
        return rounds < least || (rounds < most && !settled);
    }

    /**
     * Records a warm-up round: each server's CPU time per operation in it, by name. A cost that is not a positive
     * number (no {@code /proc}, or a server that failed the round) counts as settled: it cannot show a compiler at
     * work.
     */
    void record(Map<String, Double> cpuPerOperation) {
        falling = false;
        for (Map.Entry<String, Double> now : cpuPerOperation.entrySet()) {
            Double before = previous.get(now.getKey());
            if (known(now.getValue()) && before != null && known(before)
                    && now.getValue() < (1 - SETTLED_DROP) * before) {
                falling = true;
            }
        }
        settled = rounds > 0 && !falling;
        previous = Map.copyOf(cpuPerOperation);
        rounds++;
    }

    /** The warm-up rounds recorded so far. */
    int rounds() {
        return rounds;
    }

    /** How the warm-up has gone so far: once {@link #wantsAnother()} is false, how it ended. */
    Outcome outcome() {
        return new Outcome(rounds, falling);
    }

    private static boolean known(Double cost) {
        return cost != null && cost > 0 && !cost.isInfinite();
    }
}
