package dev.ferry.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import org.junit.jupiter.api.Test;

/**
 * {@link WriteDispatch} against streams shaped like Tomcat's upgraded output (a {@code socketWrapper} that takes
 * {@code registerWriteInterest()}) and like others; the real containers are covered by {@code ServerEndsConnectionIT}.
 */
class WriteDispatchTest {

    @Test
    void aStreamOverASocketWrapperAsksItForWriteInterestOncePerClose() {
        TomcatShaped out = new TomcatShaped();
        WriteDispatch.requestAfterClose(out);
        assertEquals(1, out.socketWrapper.registrations);
        WriteDispatch.requestAfterClose(out);
        assertEquals(2, out.socketWrapper.registrations);
    }

    @Test
    void streamsOfOtherShapesAreLeftAlone() {
        WriteDispatch.requestAfterClose(new Plain());
        Unregistering out = new Unregistering();
        WriteDispatch.requestAfterClose(out); // no registerWriteInterest(): nothing to ask, and nothing thrown
        assertEquals(0, out.socketWrapper.closes);
        TomcatShaped again = new TomcatShaped(); // the stream class changed back: found again
        WriteDispatch.requestAfterClose(again);
        assertEquals(1, again.socketWrapper.registrations);
    }

    @Test
    void aWrapperThatFailsOrIsGoneIsNoError() {
        TomcatShaped gone = new TomcatShaped();
        gone.socketWrapper.fail = true;
        WriteDispatch.requestAfterClose(gone); // logged at DEBUG: the connection ends at its next dispatch
        assertEquals(1, gone.socketWrapper.registrations);
    }

    /** What Tomcat's socket wrapper offers here. */
    public static final class Wrapper {
        int registrations;
        boolean fail;

        public void registerWriteInterest() {
            registrations++;
            if (fail) {
                throw new IllegalStateException("the socket is closed");
            }
        }
    }

    /** A wrapper without the method. */
    public static final class OtherWrapper {
        int closes;

        public void close() {
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
