package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteDispatch} against streams shaped like Tomcat's upgraded output (a {@code socketWrapper} that takes
 * {@code processSocket(OPEN_WRITE, true)}) and like others; the real containers are covered by
 * {@code ServerEndsConnectionIT}.
 */
class WriteDispatchTest {

    @Test
    void aStreamOverASocketWrapperAsksItToDispatchAWriteEventOncePerClose() {
        TomcatShaped out = new TomcatShaped();
        WriteDispatch.requestAfterClose(out);
        assertEquals(List.of("OPEN_WRITE on a worker"), out.socketWrapper.dispatches);
        WriteDispatch.requestAfterClose(out);
        assertEquals(2, out.socketWrapper.dispatches.size());
    }

    @Test
    void streamsOfOtherShapesAreLeftAlone() {
        WriteDispatch.requestAfterClose(new Plain());
        Unregistering out = new Unregistering();
        WriteDispatch.requestAfterClose(out); // no processSocket(OPEN_WRITE, boolean): nothing to ask, nothing thrown
        assertEquals(0, out.socketWrapper.closes);
        TomcatShaped again = new TomcatShaped(); // the stream class changed back: found again
        WriteDispatch.requestAfterClose(again);
        assertEquals(1, again.socketWrapper.dispatches.size());
    }

    @Test
    void aWrapperThatFailsOrIsGoneIsNoError() {
        TomcatShaped gone = new TomcatShaped();
        gone.socketWrapper.fail = true;
        WriteDispatch.requestAfterClose(gone); // logged at DEBUG: the connection ends at its next dispatch
        assertEquals(1, gone.socketWrapper.dispatches.size());
    }

    /** Tomcat's socket events, in part. */
    public enum Event { OPEN_READ, OPEN_WRITE }

    /** What Tomcat's socket wrapper offers here. */
    public static final class Wrapper {
        final List<String> dispatches = new ArrayList<>();
        boolean fail;

        public void processSocket(Event event, boolean dispatch) {
            dispatches.add(event + (dispatch ? " on a worker" : " here"));
            if (fail) {
                throw new IllegalStateException("the socket is closed");
            }
        }
    }

    /** A wrapper whose processSocket takes no OPEN_WRITE. */
    public static final class OtherWrapper {
        int closes;

        public void processSocket(String event, boolean dispatch) {
            closes++;
        }
    }

    private abstract static class Base extends ServletOutputStream {
        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener writeListener) {
        }

        @Override
        public void write(int b) {
        }
    }

    private static final class TomcatShaped extends Base {
        private final Wrapper socketWrapper = new Wrapper();
    }

    private static final class Unregistering extends Base {
        private final OtherWrapper socketWrapper = new OtherWrapper();
    }

    private static final class Plain extends Base {
    }
}
