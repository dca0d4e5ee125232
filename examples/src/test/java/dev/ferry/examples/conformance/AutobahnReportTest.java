package dev.ferry.examples.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading the fuzzing server's index.json, as json.dumps(sort_keys=True, indent=3) writes it. */
class AutobahnReportTest {

    private static final String INDEX = """
            {
               "ferry": {
                  "10.1.1": {
                     "behavior": "OK",
                     "behaviorClose": "OK",
                     "duration": 12,
                     "remoteCloseCode": 1000,
                     "reportfile": "ferry_case_10_1_1.json"
                  },
                  "2.5": {
                     "behavior": "NON-STRICT",
                     "behaviorClose": "OK",
                     "duration": 3,
                     "remoteCloseCode": 1002,
                     "reportfile": "ferry_case_2_5.json"
                  },
                  "6.4.3": {
                     "behavior": "FAILED",
                     "behaviorClose": "FAILED BY CLIENT",
                     "duration": 2003,
                     "remoteCloseCode": null,
                     "reportfile": "ferry_case_6_4_3.json"
                  },
                  "6.10.1": {
                     "behavior": "UNIMPLEMENTED",
                     "behaviorClose": "OK",
                     "duration": 1,
                     "remoteCloseCode": 1000,
                     "reportfile": "ferry_case_6_10_1.json"
                  },
                  "7.13.1": {
                     "behavior": "INFORMATIONAL",
                     "behaviorClose": "INFORMATIONAL",
                     "duration": 2,
                     "remoteCloseCode": 1002,
                     "reportfile": "ferry_case_7_13_1.json"
                  }
               }
            }
            """;

    @Test
    void readsEveryCaseInSuiteOrder() {
        AutobahnReport report = AutobahnReport.parse(INDEX, "ferry");
        assertEquals(List.of("2.5", "6.4.3", "6.10.1", "7.13.1", "10.1.1"),
                report.cases().stream().map(AutobahnReport.Case::id).toList());
        assertEquals(new AutobahnReport.Case("6.4.3", "FAILED", "FAILED BY CLIENT", -1), report.cases().get(1));
        assertEquals(1002, report.cases().get(0).remoteCloseCode());
    }

    @Test
    void onlyOkAndInformationalPass() {
        AutobahnReport report = AutobahnReport.parse(INDEX, "ferry");
        assertEquals(List.of("2.5", "6.4.3", "6.10.1"),
                report.failures().stream().map(AutobahnReport.Case::id).toList());
    }

    @Test
    void countsEachBehaviourIncludingTheAbsentOnes() {
        AutobahnReport report = AutobahnReport.parse(INDEX, "ferry");
        assertEquals(Map.of("OK", 1, "NON-STRICT", 1, "INFORMATIONAL", 1, "FAILED", 1, "UNIMPLEMENTED", 1),
                report.counts());
        assertEquals("5 cases: 1 OK, 1 NON-STRICT, 1 INFORMATIONAL, 1 FAILED, 1 UNIMPLEMENTED; close behaviour: "
                + "3 OK, 0 NON-STRICT, 1 INFORMATIONAL, 0 FAILED, 0 UNIMPLEMENTED, 1 FAILED BY CLIENT",
                report.summary());
    }

    @Test
    void refusesAReportOfAnotherAgent() {
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                () -> AutobahnReport.parse(INDEX, "someone-else"));
        assertTrue(wrong.getMessage().contains("[ferry]"), wrong.getMessage());
    }

    @Test
    void refusesACaseWithoutVerdict() {
        String broken = INDEX.replace("\"behavior\": \"UNIMPLEMENTED\",", "");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> AutobahnReport.parse(broken, "ferry"));
        assertTrue(missing.getMessage().contains("6.10.1"), missing.getMessage());
    }

    @Test
    void comparesCaseIdsNumerically() {
        assertTrue(AutobahnReport.compareIds("6.2.4", "6.10.1") < 0);
        assertTrue(AutobahnReport.compareIds("9.8.6", "10.1.1") < 0);
        assertTrue(AutobahnReport.compareIds("2.1", "2.1.1") < 0);
        assertEquals(0, AutobahnReport.compareIds("7.13.2", "7.13.2"));
    }
}
