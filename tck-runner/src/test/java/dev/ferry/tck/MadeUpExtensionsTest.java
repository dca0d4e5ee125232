package dev.ferry.tck;

import dev.ferry.jakarta.InstalledExtensions;
import dev.ferry.protocol.ExtensionFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MadeUpExtensionsTest {

    private static final List<String> NAMES = List.of("ext1", "ext2", "firstExtName", "secondExtName", "thirdExtName");

    @Test
    void theServiceFileInstallsEveryMadeUpNameAsANoOpThatIsNotOfferedByDefault() {
        InstalledExtensions installed = InstalledExtensions.load(getClass().getClassLoader());
        for (String name : NAMES) {
            ExtensionFactory factory = installed.find(name).orElseThrow(() -> new AssertionError(name + " not installed"));
            assertEquals(name, factory.name());
            assertTrue(factory instanceof InstalledExtensions.NoOp, name + " is a no-op");
        }
        assertTrue(installed.offeredByDefault().stream().noneMatch(f -> NAMES.contains(f.name())),
                "a client offers a made-up extension only when its configuration lists it");
    }
}
