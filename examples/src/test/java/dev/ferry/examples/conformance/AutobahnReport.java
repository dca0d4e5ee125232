package dev.ferry.examples.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The verdicts of one agent in the fuzzing server's {@code index.json}: per case, the suite's behaviour (OK,
 * NON-STRICT, INFORMATIONAL, FAILED, UNIMPLEMENTED) and close behaviour. Only OK and INFORMATIONAL pass, as in
 * {@code autobahntestsuite-maven-plugin} with {@code failOnNonStrict}.
 *
 * @param agent the agent name the cases ran under
 * @param cases the cases in suite order (1.1.1, 1.1.2, ..., 10.1.1)
 */
record AutobahnReport(String agent, List<Case> cases) {

    /** Behaviours that pass. */
    static final List<String> PASSING = List.of("OK", "INFORMATIONAL");

    /** The behaviours in the order the summary lists them. */
    static final List<String> BEHAVIOURS = List.of("OK", "NON-STRICT", "INFORMATIONAL", "FAILED", "UNIMPLEMENTED");

    /**
     * One case's verdict.
     *
     * @param id the suite's case id, such as {@code 6.4.3}
     * @param behavior the verdict on the messages exchanged
     * @param behaviorClose the verdict on the closing handshake
     * @param remoteCloseCode the close code the tested peer sent, or -1 for none
     */
    record Case(String id, String behavior, String behaviorClose, int remoteCloseCode) {

        boolean passes() {
            return PASSING.contains(behavior);
        }
    }

    // index.json is written by Python's json.dumps(sort_keys=True, indent=3): {agent: {case: {flat fields}}}.
    private static final Pattern AGENT = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\":\\s*\\{\\s*\"\\d");
    private static final Pattern CASE = Pattern.compile("\"(\\d+(?:\\.\\d+)*)\":\\s*\\{([^{}]*)}");
    private static final Pattern BEHAVIOR = Pattern.compile("\"behavior\":\\s*\"([^\"]*)\"");
    private static final Pattern BEHAVIOR_CLOSE = Pattern.compile("\"behaviorClose\":\\s*\"([^\"]*)\"");
    private static final Pattern REMOTE_CLOSE_CODE = Pattern.compile("\"remoteCloseCode\":\\s*(null|\\d+)");

    /** Reads the cases of {@code agent} from {@code index.json}, the only agent the file may hold. */
    static AutobahnReport read(Path indexJson, String agent) throws IOException {
        return parse(Files.readString(indexJson, StandardCharsets.UTF_8), agent);
    }

    static AutobahnReport parse(String json, String agent) {
        List<String> agents = new ArrayList<>();
        Matcher found = AGENT.matcher(json);
        while (found.find()) {
            agents.add(found.group(1));
        }
        if (!agents.equals(List.of(agent))) {
            throw new IllegalArgumentException("expected the report of agent " + agent + " only, got agents " + agents);
        }
        List<Case> cases = new ArrayList<>();
        Matcher matcher = CASE.matcher(json);
        while (matcher.find()) {
            String fields = matcher.group(2);
            cases.add(new Case(matcher.group(1), field(BEHAVIOR, fields, matcher.group(1)),
                    field(BEHAVIOR_CLOSE, fields, matcher.group(1)), closeCode(fields)));
        }
        cases.sort(Comparator.comparing(Case::id, AutobahnReport::compareIds));
        return new AutobahnReport(agent, List.copyOf(cases));
    }

    /** How many cases have each behaviour: every one of {@link #BEHAVIOURS}, then any other the suite used. */
    Map<String, Integer> counts() {
        return count(Case::behavior);
    }

    /** The same for the close behaviour. */
    Map<String, Integer> closeCounts() {
        return count(Case::behaviorClose);
    }

    private Map<String, Integer> count(Function<Case, String> verdict) {
        Map<String, Integer> counts = new TreeMap<>(Comparator.comparingInt(AutobahnReport::summaryOrder)
                .thenComparing(Comparator.naturalOrder()));
        BEHAVIOURS.forEach(behaviour -> counts.put(behaviour, 0));
        cases.forEach(c -> counts.merge(verdict.apply(c), 1, Integer::sum));
        return counts;
    }

    /** The cases that do not pass. */
    List<Case> failures() {
        return cases.stream().filter(c -> !c.passes()).toList();
    }

    /** One line: {@code 301 cases: 298 OK, 0 NON-STRICT, ...; close behaviour: 298 OK, ...}. */
    String summary() {
        StringBuilder line = new StringBuilder().append(cases.size()).append(" cases");
        append(line, ": ", counts());
        append(line, "; close behaviour: ", closeCounts());
        return line.toString();
    }

    private static void append(StringBuilder line, String start, Map<String, Integer> counts) {
        String separator = start;
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            line.append(separator).append(count.getValue()).append(' ').append(count.getKey());
            separator = ", ";
        }
    }

    private static int summaryOrder(String behaviour) {
        int index = BEHAVIOURS.indexOf(behaviour);
        return index < 0 ? BEHAVIOURS.size() : index;
    }

    private static String field(Pattern pattern, String fields, String id) {
        Matcher matcher = pattern.matcher(fields);
        if (!matcher.find()) {
            throw new IllegalArgumentException("expected " + pattern.pattern().split(":")[0] + " in case " + id
                    + ", got " + fields.strip());
        }
        return matcher.group(1);
    }

    private static int closeCode(String fields) {
        Matcher matcher = REMOTE_CLOSE_CODE.matcher(fields);
        return matcher.find() && !"null".equals(matcher.group(1)) ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** Orders case ids numerically part by part: 6.2.4 before 6.10.1. */
    static int compareIds(String left, String right) {
        String[] a = left.split("\\.");
        String[] b = right.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int order = Integer.compare(Integer.parseInt(a[i]), Integer.parseInt(b[i]));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
