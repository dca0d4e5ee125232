package dev.ferry.jakarta.server;

import dev.ferry.jakarta.JakartaSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpointConfig;

import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server container's open sessions, grouped by endpoint path: what {@code Session.getOpenSessions()} reports
 * ("connections to the same endpoint") and what a shutdown closes. Thread safe.
 */
final class OpenSessions {

    private static final System.Logger LOG = System.getLogger(OpenSessions.class.getName());

    private final Map<String, Set<Session>> byPath = new ConcurrentHashMap<>();
    /**
     * How many {@link #awaitNone} calls wait (written under this object's monitor): a removal takes the monitor only
     * to wake one, not on every close. A waiter counts itself before it looks, so a removal it does not see
     * finds it counted.
     */
    private volatile int waiting;

    void add(JakartaSession session) {
        byPath.computeIfAbsent(pathOf(session), path -> ConcurrentHashMap.newKeySet()).add(session);
    }

    void remove(JakartaSession session) {
        Set<Session> sessions = byPath.get(pathOf(session));
        if (sessions != null && sessions.remove(session) && waiting > 0) {
            synchronized (this) {
                notifyAll(); // a shutdown waits for the last one (awaitNone)
            }
        }
    }

    /**
     * Waits until no session is left or {@code deadlineNanos} ({@link System#nanoTime()}) has passed.
     *
     * @return whether no session is left
     */
    synchronized boolean awaitNone(long deadlineNanos) throws InterruptedException {
        waiting++;
        try {
            while (!isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        } finally {
            waiting--;
        }
    }

    private boolean isEmpty() {
        for (Set<Session> sessions : byPath.values()) {
            if (!sessions.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A snapshot of the open sessions of the same endpoint path as {@code session}: those whose {@code isOpen()} is
     * true, so a session whose {@code onClose} has begun is no longer listed (not even to itself).
     */
    Set<Session> sameEndpoint(JakartaSession session) {
        Set<Session> sessions = byPath.get(pathOf(session));
        if (sessions == null) {
            return Set.of();
        }
        Set<Session> open = new HashSet<>();
        for (Session candidate : sessions) {
            if (candidate.isOpen()) {
                open.add(candidate);
            }
        }
        return Set.copyOf(open);
    }

    /** Closes every open session with {@code reason}; a failing close is logged and the rest go on. */
    void closeAll(CloseReason reason) {
        for (Set<Session> sessions : byPath.values()) {
            for (Session session : Set.copyOf(sessions)) {
                try {
                    if (session instanceof JakartaSession ours) {
                        ours.startClose(reason); // without waiting for each onClose in turn
                    } else {
                        session.close(reason);
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, "closing session " + session.getId() + " failed", e);
                }
            }
        }
    }

    private static String pathOf(JakartaSession session) {
        return session.endpointConfig() instanceof ServerEndpointConfig config ? config.getPath() : "";
    }
}
