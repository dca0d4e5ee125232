package dev.ferry.tck;

import dev.ferry.jakarta.InstalledExtensions;

/**
 * The extensions with made-up names that TCK tests negotiate and expect installed: {@code ext1} and {@code ext2}
 * ({@code ee...clientendpointconfig}), {@code firstExtName}, {@code secondExtName} and {@code thirdExtName}
 * ({@code ee...serverendpointconfig.configurator}). Each is a no-op installed through Ferry's extension SPI, as any
 * application would install one: listed in {@code META-INF/services/dev.ferry.protocol.ExtensionFactory}, so the
 * client container in the test JVM and the server container of every deployed web application (whose class
 * loader sees this module's classes) both run them. A no-op is negotiated by name, claims no RSV bit and leaves
 * payloads alone; a client offers one only when its configuration lists it.
 */
public final class MadeUpExtensions {

    private MadeUpExtensions() {
    }

    /** {@code ext1}. */
    public static final class Ext1 extends InstalledExtensions.NoOp {
        public Ext1() {
            super("ext1");
        }
    }

    /** {@code ext2}. */
    public static final class Ext2 extends InstalledExtensions.NoOp {
        public Ext2() {
            super("ext2");
        }
    }

    /** {@code firstExtName}. */
    public static final class FirstExtName extends InstalledExtensions.NoOp {
        public FirstExtName() {
            super("firstExtName");
        }
    }

    /** {@code secondExtName}. */
    public static final class SecondExtName extends InstalledExtensions.NoOp {
        public SecondExtName() {
            super("secondExtName");
        }
    }

    /** {@code thirdExtName}. */
    public static final class ThirdExtName extends InstalledExtensions.NoOp {
        public ThirdExtName() {
            super("thirdExtName");
        }
    }
}
