package dev.ferry.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LauncherOptionsTest {

    @Test
    void noOptionsServeTheExamplesOnLoopbackPort8080() {
        LauncherOptions options = LauncherOptions.parse();
        assertEquals("127.0.0.1", options.host());
        assertEquals(8080, options.port());
        assertTrue(options.servesExamples());
        assertFalse(options.help());
    }

    @Test
    void endpointsAreRepeatableAndReplaceTheExamples() {
        LauncherOptions options = LauncherOptions.parse("--host", "0.0.0.0", "--port", "0",
                "--endpoint", "com.example.A", "--endpoint", "com.example.B",
                "--classpath", "a" + File.pathSeparator + "b.jar");
        assertEquals("0.0.0.0", options.host());
        assertEquals(0, options.port());
        assertEquals(List.of("com.example.A", "com.example.B"), options.endpoints());
        assertEquals(List.of(Path.of("a"), Path.of("b.jar")), options.classPath());
        assertFalse(options.servesExamples());
    }

    @Test
    void aWarReplacesTheExamples() {
        LauncherOptions options = LauncherOptions.parse("--war", "app.war");
        assertEquals(Optional.of(Path.of("app.war")), options.war());
        assertFalse(options.servesExamples());
    }

    @Test
    void mistakesAreNamed() {
        assertEquals("unknown option --prot",
                assertThrows(IllegalArgumentException.class, () -> LauncherOptions.parse("--prot", "1")).getMessage());
        assertEquals("expected a value after --port, got the end of the line",
                assertThrows(IllegalArgumentException.class, () -> LauncherOptions.parse("--port")).getMessage());
        assertEquals("expected a port number after --port, got x",
                assertThrows(IllegalArgumentException.class, () -> LauncherOptions.parse("--port", "x")).getMessage());
        assertEquals("expected a port from 0 to 65535, got 70000",
                assertThrows(IllegalArgumentException.class, () -> LauncherOptions.parse("--port", "70000")).getMessage());
        assertEquals("expected either --war or --endpoint, got both", assertThrows(IllegalArgumentException.class,
                () -> LauncherOptions.parse("--war", "a.war", "--endpoint", "A")).getMessage());
    }
}
