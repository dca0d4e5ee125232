package dev.ferry.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SessionIdsTest {

    @Test
    void idsArePrefixHyphenAndAHexCounter() {
        SessionIds ids = new SessionIds("p");
        assertEquals(List.of("p-1", "p-2", "p-3"), List.of(ids.next(), ids.next(), ids.next()));
        for (int i = 4; i < 20; i++) {
            ids.next();
        }
        assertEquals("p-14", ids.next(), "the 20th id, in hexadecimal");
    }

    @Test
    void aNumberIsSpelledAsTheIdNextWouldHaveGiven() {
        SessionIds ids = new SessionIds("p");
        long first = ids.nextNumber();
        assertEquals("p-1", ids.id(first));
        assertEquals("p-2", ids.next(), "numbers and ids come from one counter");
        assertEquals("p-3", ids.id(ids.nextNumber()));
        assertEquals("p-1", ids.id(first), "spelled again, the same id");
    }

    @Test
    void idsOfOneContainerAreUniqueUnderConcurrentUse() throws Exception {
        SessionIds ids = new SessionIds();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        seen.add(ids.next());
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(40_000, seen.size());
    }

    @Test
    void containersDrawDifferentPrefixesSoTheirIdsDiffer() {
        Set<String> firsts = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String id = new SessionIds().next();
            assertTrue(id.endsWith("-1"), id);
            firsts.add(id);
        }
        assertEquals(100, firsts.size(), "each container's first id differs");
        assertNotEquals(new SessionIds().next(), new SessionIds().next());
    }
}
