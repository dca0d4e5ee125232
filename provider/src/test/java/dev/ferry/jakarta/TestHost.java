package dev.ferry.jakarta;

import dev.ferry.transport.ConnectionDriver;
import dev.ferry.transport.ManualScheduler;
import dev.ferry.transport.Scheduler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.List;

/** A {@link SessionHost} for tests: a daemon thread pool, a manual clock, and a record of sessions. */
final class TestHost implements SessionHost {

    final ExecutorService executor;
    final ManualScheduler scheduler = new ManualScheduler();
    final Set<Session> open = ConcurrentHashMap.newKeySet();
    final List<JakartaSession> closed = new CopyOnWriteArrayList<>();
    final ContainerDefaults defaults = new ContainerDefaults(1 << 20);
    volatile ConnectionDriver.Settings settings = ConnectionDriver.Settings.defaults();
    volatile long blockingSendTimeout = 10_000;
    /** Null: ids are random UUIDs (the interface's default); set: the host counts, as a container does. */
    volatile SessionIds ids;

    TestHost(ExecutorService executor) {
        this.executor = executor;
    }

    @Override
    public WebSocketContainer container() {
        return null;
    }

    @Override
    public ContainerDefaults defaults() {
        return defaults;
    }

    @Override
    public ExecutorService executor() {
        return executor;
    }

    @Override
    public Scheduler scheduler() {
        return scheduler;
    }

    @Override
    public void sessionOpened(JakartaSession session) {
        open.add(session);
    }

    @Override
    public void sessionClosed(JakartaSession session) {
        open.remove(session);
        closed.add(session);
    }

    @Override
    public Set<Session> openSessions(JakartaSession session) {
        return Set.copyOf(open);
    }

    @Override
    public ConnectionDriver.Settings driverSettings() {
        return settings;
    }

    @Override
    public SessionIds sessionIds() {
        return ids;
    }

    @Override
    public long blockingSendTimeout() {
        return blockingSendTimeout;
    }
}
