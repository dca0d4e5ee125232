package dev.ferry.benchmarks.load;

import jakarta.servlet.ServletContainerInitializer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * What the in-process harnesses ({@link HandshakeCost}, {@link RoundTripCost}) share: the echo server started in this
 * JVM with every {@code ServletContainerInitializer} on the class path, and what its threads spend between two
 * snapshots ({@code com.sun.management.ThreadMXBean}), every thread but the client's counting as the server's.
 */
final class InProcessServer {

    private InProcessServer() {
    }

    /** Starts the server on {@code tomcat}, or on Jetty for any other name, on 127.0.0.1 and a free port. */
    static LoadServer.Host start(String container) throws Exception {
        List<ServletContainerInitializer> initializers = new ArrayList<>();
        ServiceLoader.load(ServletContainerInitializer.class).forEach(initializers::add);
        return container.equals("tomcat") ? TomcatHost.start(initializers) : JettyHost.start(initializers);
    }

    /** The CPU time (ns) and allocated bytes so far of every live thread not in {@code clients}, by thread id. */
    static Map<Long, long[]> snapshot(Set<Long> clients) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        long[] allocated = threads.getThreadAllocatedBytes(ids);
        Map<Long, long[]> byThread = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (!clients.contains(ids[i]) && cpu[i] >= 0) {
                byThread.put(ids[i], new long[] {cpu[i], allocated[i]});
            }
        }
        return byThread;
    }

    /**
     * The CPU time (ns) and bytes the threads of {@code after} spent since {@code before}; a thread started in between
     * counts from zero, one that ended is not counted.
     */
    static long[] spent(Map<Long, long[]> before, Map<Long, long[]> after) {
        long cpu = 0;
        long bytes = 0;
        for (Map.Entry<Long, long[]> thread : after.entrySet()) {
            long[] start = before.getOrDefault(thread.getKey(), new long[2]);
            cpu += thread.getValue()[0] - start[0];
            bytes += thread.getValue()[1] - start[1];
        }
        return new long[] {cpu, bytes};
    }
}
