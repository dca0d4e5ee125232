package dev.ferry.jakarta;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;

/**
 * How Ferry creates the application's classes (endpoints, configurators, encoders and decoders): with their
 * no-argument constructor, made accessible when the class or the constructor is not public (deployment accepts
 * any no-argument constructor, so creating the instance later must not refuse what deployment let through).
 *
 * <p>Callers wrap a failure in the exception their API promises ({@code DeploymentException},
 * {@code InstantiationException}, ...) with {@link #why} as the reason and {@link #cause} as the cause.
 *
 * <p>Not API: public only so that the server and client packages share it. Thread contract: stateless.
 */
public final class Instances {

    /**
     * Each class's no-argument constructor, made accessible, or null when it has none: looked up once per class
     * rather than once per instance (a server creates an endpoint, and often codecs, for every session). Kept with
     * the class itself, so an application's classes hold on to nothing outside their own class loader.
     */
    private static final ClassValue<Constructor<?>> CONSTRUCTORS = new ClassValue<>() {
        @Override
        protected Constructor<?> computeValue(Class<?> type) {
            try {
                Constructor<?> constructor = type.getDeclaredConstructor();
                constructor.trySetAccessible();
                return constructor;
            } catch (NoSuchMethodException none) {
                return null;
            }
        }
    };

    private Instances() {
    }

    /** A new instance of {@code type} from its no-argument constructor. */
    public static <T> T create(Class<T> type) throws ReflectiveOperationException {
        Constructor<?> constructor = CONSTRUCTORS.get(type);
        if (constructor == null) {
            type.getDeclaredConstructor(); // throws the NoSuchMethodException that says why
            throw new NoSuchMethodException(type.getName() + ".<init>()");
        }
        return type.cast(constructor.newInstance());
    }

    /** Why {@link #create} failed, in words that follow "cannot create X: ". */
    public static String why(Exception failure) {
        if (failure instanceof NoSuchMethodException) {
            return "expected a no-argument constructor, found none";
        }
        if (failure instanceof InvocationTargetException thrown) {
            return "its constructor threw " + thrown.getCause();
        }
        if (failure instanceof InstantiationException) {
            return "it is abstract or an interface";
        }
        return "expected a no-argument constructor the container can call, got " + failure;
    }

    /** The exception to chain: what the constructor threw, or the failure itself. */
    public static Throwable cause(Exception failure) {
        return failure instanceof InvocationTargetException thrown && thrown.getCause() != null
                ? thrown.getCause() : failure;
    }
}
