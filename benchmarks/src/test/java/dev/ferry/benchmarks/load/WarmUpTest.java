package dev.ferry.benchmarks.load;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a row of the load run has warmed up. Measures nothing: the costs are the ones a run would report. */
class WarmUpTest {

    @Test
    void warmsUpUntilNoServersCostFellByMoreThanATenthFromOneRoundToTheNext() {
        WarmUp warmUp = new WarmUp(1, 8);
        // CPU per handshake (us) of ferry, jetty and tomcat in the rounds of a run with four warm-up rounds and four
        // recorded ones (2026-11-26, 04:08 to 04:11 UTC): the warm-up rounds, then the first two recorded rounds.
        double[][] rounds = {{836, 1032, 584}, {480, 615, 295}, {216, 318, 311}, {172, 297, 238}, {163, 247, 249},
            {159, 254, 236}};
        int taken = 0;
        while (warmUp.wantsAnother()) {
            double[] cost = rounds[taken++];
            warmUp.record(Map.of("ferry", cost[0], "jetty", cost[1], "tomcat", cost[2]));
        }
        assertEquals(6, warmUp.rounds(), "ferry's 216 -> 172 is a fall of 20%, then jetty's 297 -> 247 one of 17%");
        assertEquals(6, taken);
        assertEquals(new WarmUp.Outcome(6, false), warmUp.outcome(), "jetty's 247 -> 254 and tomcat's 249 -> 236");
    }

    @Test
    void oneRoundCannotShowASettledCostSoTheFirstIsFollowedByASecond() {
        WarmUp warmUp = new WarmUp(1, 6);
        assertTrue(warmUp.wantsAnother());
        warmUp.record(Map.of("ferry", 20.0));
        assertTrue(warmUp.wantsAnother(), "nothing to compare the first round with");
        warmUp.record(Map.of("ferry", 23.0));
        assertFalse(warmUp.wantsAnother(), "a round that costs more than the one before is no compiler at work");
        assertEquals(2, warmUp.rounds());
    }

    @Test
    void stopsAtTheMostRoundsEvenWhileACostStillFalls() {
        WarmUp warmUp = new WarmUp(1, 3);
        double cost = 1000;
        while (warmUp.wantsAnother()) {
            warmUp.record(Map.of("ferry", cost));
            cost /= 2;
        }
        assertEquals(new WarmUp.Outcome(3, true), warmUp.outcome(), "the bound, not the servers, ended it");
    }

    @Test
    void runsAtLeastTheLeastRoundsEvenOnceSettled() {
        WarmUp warmUp = new WarmUp(3, 6);
        for (int i = 0; i < 3; i++) {
            assertTrue(warmUp.wantsAnother(), "round " + (i + 1));
            warmUp.record(Map.of("ferry", 100.0));
        }
        assertFalse(warmUp.wantsAnother());
        assertEquals(new WarmUp.Outcome(3, false), warmUp.outcome());
    }

    @Test
    void oneFixedRoundCannotBeStillFalling() {
        WarmUp warmUp = new WarmUp(1, 1);
        warmUp.record(Map.of("ferry", 836.0));
        assertFalse(warmUp.wantsAnother());
        assertEquals(new WarmUp.Outcome(1, false), warmUp.outcome(), "nothing to compare the one round with");
    }

    @Test
    void aCostThatIsNotKnownCountsAsSettled() {
        WarmUp warmUp = new WarmUp(1, 6);
        warmUp.record(Map.of("ferry", 100.0, "tomcat", 0.0));
        warmUp.record(Map.of("ferry", Double.NaN, "tomcat", 50.0));
        assertFalse(warmUp.wantsAnother(), "no /proc, or a failed round, cannot show a compiler at work");
    }

    @Test
    void noWarmUpAtAllWhenTheMostIsZero() {
        assertFalse(new WarmUp(0, 0).wantsAnother());
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(2, 1));
        assertThrows(IllegalArgumentException.class, () -> new WarmUp(-1, 1));
    }
}
