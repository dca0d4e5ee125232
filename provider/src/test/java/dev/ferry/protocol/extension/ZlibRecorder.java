package dev.ferry.protocol.extension;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A {@link Zlib} that hands out JDK streams which record their strategy, count {@code end()} calls, and record the
 * output room of every call to inflate.
 */
final class ZlibRecorder implements Zlib {

    final List<RecordingDeflater> deflaters = new ArrayList<>();
    final List<RecordingInflater> inflaters = new ArrayList<>();

    @Override
    public Deflater newDeflater(int level) {
        RecordingDeflater deflater = new RecordingDeflater(level);
        deflaters.add(deflater);
        return deflater;
    }

    @Override
    public Inflater newInflater() {
        RecordingInflater inflater = new RecordingInflater();
        inflaters.add(inflater);
        return inflater;
    }

    static final class RecordingDeflater extends Deflater {
        int ends;
        int strategy = Deflater.DEFAULT_STRATEGY;

        RecordingDeflater(int level) {
            super(level, true);
        }

        @Override
        public void setStrategy(int value) {
            strategy = value;
            super.setStrategy(value);
        }

        @Override
        public void end() {
            ends++;
            super.end();
        }
    }

    static final class RecordingInflater extends Inflater {
        int ends;
        /** The room of the output buffer of each {@code inflate(ByteBuffer)} call, in order. */
        final List<Integer> rooms = new ArrayList<>();

        RecordingInflater() {
            super(true);
        }

        @Override
        public int inflate(ByteBuffer output) throws DataFormatException {
            rooms.add(output.remaining());
            return super.inflate(output);
        }

        @Override
        public void end() {
            ends++;
            super.end();
        }
    }
}
