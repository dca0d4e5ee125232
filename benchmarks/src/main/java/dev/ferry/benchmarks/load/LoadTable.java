package dev.ferry.benchmarks.load;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load run's results and the tables it prints from them: every row's median for each server with its ratio
 * against {@code jetty}'s, the rounds' lowest and highest values, and how {@link #SUBJECT} fares against each peer
 * round against round ({@link #verdict}). The rows are {@link LoadRun#ROWS}.
 *
 * <p>Thread contract: stateless; a {@link Result} is filled by one thread, the run's.
 */
final class LoadTable {

    /** What the table shows for a row a server was not measured on. */
    static final String NOT_MEASURED = "-";
    /** The server the table compares, round by round, with every other one but the control. */
    static final String SUBJECT = "ferry";

    private LoadTable() {
    }

    /**
     * One server's results: for every row of {@link LoadRun#ROWS}, the value of each round in which it was measured
     * (empty where the row was not measured or the server failed).
     */
    record Result(String name, List<List<Double>> rounds) {

        static Result empty(String name) {
            List<List<Double>> rounds = new ArrayList<>();
            for (int row = 0; row < LoadRun.ROWS.length; row++) {
                rounds.add(new ArrayList<>());
            }
            return new Result(name, rounds);
        }

        /** The median of {@code row}'s rounds (the mean of the middle two for an even count), or NaN for none. */
        double median(int row) {
            double[] values = sorted(row);
            if (values.length == 0) {
                return Double.NaN;
            }
            int middle = values.length / 2;
            return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
        }

        double[] sorted(int row) {
            double[] values = rounds.get(row).stream().mapToDouble(Double::doubleValue).toArray();
            Arrays.sort(values);
            return values;
        }
    }

    /**
     * How the table's rounds were preceded: by each group of rows' warm-up rounds (by group name, in the order run),
     * whose figures were dropped, and whether a server's cost was still falling when the bound ended them.
     */
    static String warmedUp(Map<String, WarmUp.Outcome> warmUps) {
        if (warmUps.values().stream().allMatch(w -> w.rounds() == 0)) {
            return ", without a warm-up round";
        }
        StringBuilder counts = new StringBuilder();
        warmUps.forEach((group, w) -> counts.append(counts.length() == 0 ? "" : ", ").append(group).append(' ')
                .append(w.rounds()).append(w.stillFalling() ? " still falling at the bound" : ""));
        return ", after warm-up rounds that are not recorded, until no server's CPU time per operation fell by more"
                + " than " + Math.round(WarmUp.SETTLED_DROP * 100) + "% from one to the next (" + counts + ")";
    }

    /**
     * The table: every row's median over the rounds for each server, and its ratio against {@code jetty}'s median;
     * then, for more than one round, the rounds' lowest and highest value of each server.
     */
    static void print(List<Result> results, Map<String, WarmUp.Outcome> warmUps, int rounds, PrintStream out) {
        Map<String, Result> byName = new LinkedHashMap<>();
        results.forEach(r -> byName.put(r.name(), r));
        Result reference = byName.get("jetty");
        StringBuilder head = new StringBuilder("| row |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Result r : results) {
            head.append(' ').append(r.name()).append(" |");
            rule.append("---:|");
            if (reference != null && r != reference) {
                head.append(' ').append(r.name()).append(" / jetty |");
                rule.append("---:|");
            }
        }
        out.println(head);
        out.println(rule);
        for (int row = 0; row < LoadRun.ROWS.length; row++) {
            StringBuilder line = new StringBuilder("| ").append(LoadRun.ROWS[row]).append(" |");
            for (Result r : results) {
                line.append(' ').append(format(r.median(row))).append(" |");
                if (reference != null && r != reference) {
                    double ratio = r.median(row) / reference.median(row);
                    line.append(' ').append(Double.isNaN(ratio) ? NOT_MEASURED
                            : String.format(Locale.ROOT, "%.2f", ratio)).append(" |");
                }
            }
            out.println(line);
        }
        out.println();
        out.println("Medians of " + rounds + (rounds == 1 ? " round" : " rounds") + warmedUp(warmUps)
                + " (memory: one measurement, on the fresh server). Ratios are server / jetty; higher is better for"
                + " rates, lower is better for latency and memory. " + NOT_MEASURED + ": not measured.");
        if (rounds > 1) {
            out.println();
            out.println("Lowest and highest of the rounds:");
            out.println();
            out.println(head.toString().replaceAll(" [^|]+ / jetty \\|", ""));
            out.println(rule.substring(0, "|---|".length() + results.size() * "---:|".length()));
            for (int row = 0; row < LoadRun.ROWS.length; row++) {
                StringBuilder line = new StringBuilder("| ").append(LoadRun.ROWS[row]).append(" |");
                for (Result r : results) {
                    double[] values = r.sorted(row);
                    line.append(' ').append(values.length == 0 ? NOT_MEASURED
                            : format(values[0]) + " to " + format(values[values.length - 1])).append(" |");
                }
                out.println(line);
            }
            printVerdicts(byName, rounds, out);
        }
    }

    /**
     * For every row, how {@link #SUBJECT} compares with each other server (the bare control left out), round against
     * round ({@link #verdict}), so that a ratio inside the rounds' spread is not read as a lead.
     */
    private static void printVerdicts(Map<String, Result> byName, int rounds, PrintStream out) {
        Result subject = byName.get(SUBJECT);
        List<Result> peers = new ArrayList<>();
        byName.values().forEach(r -> {
            if (r != subject && !r.name().equals("bare")) {
                peers.add(r);
            }
        });
        if (subject == null || peers.isEmpty()) {
            return;
        }
        out.println();
        long orderings = orderings(rounds);
        out.println(SUBJECT + " against each peer, round against round: of all pairs of one of its rounds and one"
                + " of the peer's, how many " + SUBJECT + " wins (a tie counts half); \"ahead\" or \"behind\" only"
                + " when every pair agrees, which with " + rounds + " rounds each happens by chance in 2 orderings of "
                + orderings
                + String.format(Locale.ROOT, " (a two-sided Mann-Whitney test at %.0f%%)", 200.0 / orderings)
                + "; otherwise \"level\": neither wins every pair. Memory is one measurement each.");
        out.println();
        StringBuilder head = new StringBuilder("| row |");
        for (Result peer : peers) {
            head.append(' ').append(SUBJECT).append(" vs ").append(peer.name()).append(" |");
        }
        out.println(head);
        out.println("|---|" + "---|".repeat(peers.size()));
        for (int row = 0; row < LoadRun.ROWS.length; row++) {
            StringBuilder line = new StringBuilder("| ").append(LoadRun.ROWS[row]).append(" |");
            for (Result peer : peers) {
                line.append(' ').append(verdict(subject, peer, row)).append(" |");
            }
            out.println(line);
        }
    }

    /** In how many orders two sets of {@code rounds} distinct values rank together: 2 rounds choose rounds. */
    static long orderings(int rounds) {
        long count = 1;
        for (int i = 1; i <= rounds; i++) {
            count = count * (rounds + i) / i;
        }
        return count;
    }

    /**
     * How {@code subject} compares with {@code peer} on {@code row}, round by round: "ahead", "behind" or "level",
     * with the pairs of rounds that {@code subject} wins out of all pairs, for example {@code ahead (16/16)}; "-"
     * when either was not measured on the row. See {@link #printVerdicts}.
     */
    static String verdict(Result subject, Result peer, int row) {
        double[] mine = subject.sorted(row);
        double[] theirs = peer.sorted(row);
        if (mine.length == 0 || theirs.length == 0) {
            return NOT_MEASURED;
        }
        double wins = 0;
        for (double m : mine) {
            for (double t : theirs) {
                wins += m == t ? 0.5 : (m > t) == LoadRun.HIGHER_IS_BETTER[row] ? 1 : 0;
            }
        }
        int pairs = mine.length * theirs.length;
        String word = wins == pairs ? "ahead" : wins == 0 ? "behind" : "level";
        String won = wins == Math.rint(wins) ? String.valueOf((long) wins) : String.format(Locale.ROOT, "%.1f", wins);
        return word + " (" + won + "/" + pairs + ")";
    }

    private static String format(double value) {
        if (Double.isNaN(value)) {
            return NOT_MEASURED;
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }
}
