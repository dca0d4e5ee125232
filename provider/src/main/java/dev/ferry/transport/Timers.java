package dev.ferry.transport;

import dev.ferry.protocol.CloseStatus;
import java.time.Duration;

/**
 * The timers of one {@link ConnectionDriver}: the close timeout, the idle timeout, keepalive and the deferred-write
 * bound. Each timer
 * only leaves a request with the driver (close, terminate, queue a ping), so none of them runs protocol work
 * on the scheduler's thread.
 *
 * <p>Thread contract: every method may be called from any thread; state is guarded by this object.
 */
final class Timers {

    /**
     * The timers of every connection that has ended: cancelled, so arming one does nothing. An ended connection that
     * never armed a timer (most of them) takes this one instead of making its own just to cancel it.
     */
    static final Timers ENDED = new Timers(null, null);

    static {
        ENDED.cancelAll();
    }

    private final ConnectionDriver driver;
    private final Scheduler scheduler;
    private boolean cancelled;
    private Scheduler.Cancellable close;
    private Scheduler.Cancellable idle;
    private Duration idleTimeout = Duration.ZERO;
    private Scheduler.Cancellable keepAliveTick;
    private Scheduler.Cancellable pongDeadline;
    private Duration keepAliveInterval = Duration.ZERO;
    private Duration keepAliveTimeout = Duration.ZERO;
    private volatile Scheduler.Cancellable deferredWrite; // read without the lock by armDeferredWrite

    Timers(ConnectionDriver driver, Scheduler scheduler) {
        this.driver = driver;
        this.scheduler = scheduler;
    }

    synchronized void armClose(Duration timeout) {
        if (!cancelled && close == null) {
            close = scheduler.schedule(driver::closeTimedOut, timeout);
        }
    }

    /**
     * Makes sure the driver is told to write its deferred frames within {@link ConnectionDriver#DEFERRED_WAIT} of now,
     * on the {@link ConnectionDriver#DEFERRED_GRID}: arms the timer unless it is armed already (it then fires sooner,
     * which only writes them early). On a busy connection it mostly is, and that is found without the lock or a clock
     * read: the driver marks its frames held before it calls this, and the timer clears the field before it looks at
     * that mark, so a timer seen armed here and firing meanwhile still finds the frames.
     */
    void armDeferredWrite() {
        if (deferredWrite != null) {
            return;
        }
        synchronized (this) {
            if (!cancelled && deferredWrite == null) {
                Duration wait = ConnectionDriver.DEFERRED_WAIT.minusNanos(
                        Math.floorMod(scheduler.nanoTime(), ConnectionDriver.DEFERRED_GRID));
                deferredWrite = scheduler.schedule(this::deferredWriteDue, wait);
            }
        }
    }

    private void deferredWriteDue() {
        synchronized (this) {
            deferredWrite = null;
            if (cancelled) {
                return;
            }
        }
        driver.deferredWriteDue();
    }

    synchronized void setIdle(Duration timeout) {
        idleTimeout = timeout == null || timeout.isNegative() ? Duration.ZERO : timeout;
        cancel(idle);
        idle = null;
        if (!cancelled && !idleTimeout.isZero()) {
            idle = scheduler.schedule(this::idleCheck, idleTimeout);
        }
    }

    private void idleCheck() {
        Duration remaining;
        synchronized (this) {
            if (cancelled || idleTimeout.isZero()) {
                return;
            }
            remaining = idleTimeout.minusNanos(driver.idleNanos());
            if (remaining.isNegative() || remaining.isZero()) {
                idle = null;
            } else {
                idle = scheduler.schedule(this::idleCheck, remaining);
                return;
            }
        }
        String why = "idle for more than " + idleTimeout.toMillis() + " ms";
        driver.close(CloseStatus.ENDPOINT_UNAVAILABLE.withReason(why), CloseStatus.ABORTED.withReason(why));
    }

    synchronized void setKeepAlive(Duration interval, Duration timeout) {
        cancel(keepAliveTick);
        cancel(pongDeadline);
        keepAliveTick = null;
        pongDeadline = null;
        keepAliveInterval = interval == null || interval.isNegative() ? Duration.ZERO : interval;
        keepAliveTimeout = timeout == null || timeout.isNegative() || timeout.isZero() ? keepAliveInterval : timeout;
        if (!cancelled && !keepAliveInterval.isZero()) {
            keepAliveTick = scheduler.schedule(this::keepAliveTick, keepAliveInterval);
        }
    }

    private void keepAliveTick() {
        synchronized (this) {
            if (cancelled || keepAliveInterval.isZero()) {
                return;
            }
            keepAliveTick = scheduler.schedule(this::keepAliveTick, keepAliveInterval);
            if (pongDeadline != null) {
                return; // the previous ping is still unanswered; its deadline decides
            }
            pongDeadline = scheduler.schedule(this::pongMissed, keepAliveTimeout);
        }
        driver.sendKeepAlivePing();
    }

    private void pongMissed() {
        Duration timeout;
        synchronized (this) {
            if (cancelled || pongDeadline == null) {
                return;
            }
            timeout = keepAliveTimeout;
        }
        driver.terminate(CloseStatus.ABORTED.withReason("no Pong within " + timeout.toMillis()
                + " ms of a keepalive Ping"), null);
    }

    synchronized void pongReceived() {
        cancel(pongDeadline);
        pongDeadline = null;
    }

    synchronized void cancelAll() {
        cancelled = true;
        cancel(close);
        cancel(idle);
        cancel(keepAliveTick);
        cancel(pongDeadline);
        cancel(deferredWrite);
    }

    private static void cancel(Scheduler.Cancellable task) {
        if (task != null) {
            task.cancel();
        }
    }
}
