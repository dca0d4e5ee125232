package dev.ferry.protocol.handshake;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link HandshakeKeys#accept}, which clones one shared SHA-1 prototype per call. */
class HandshakeKeysTest {

    @Test
    void acceptIsBase64OfSha1OfKeyAndGuid() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            String key = HandshakeKeys.newKey(random);
            assertEquals(reference(key), HandshakeKeys.accept(key), key);
        }
    }

    @Test
    void acceptFromManyThreadsAtOnceGivesEachKeyItsOwnAnswer() throws Exception {
        int threads = 4;
        int perThread = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 100L + t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    int checked = 0;
                    for (int i = 0; i < perThread; i++) {
                        String key = HandshakeKeys.newKey(random);
                        assertEquals(reference(key), HandshakeKeys.accept(key), key);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> result : results) {
                assertEquals(perThread, result.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** RFC 6455 §4.2.2 item 5.4, computed the plain way: a fresh digest over the concatenated string. */
    private static String reference(String key) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-1")
                .digest((key + HandshakeKeys.GUID).getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(digest);
    }
}
