package dev.ferry.jakarta;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the class a generic interface is bound to by an implementation: {@code String} for a class implementing
 * {@code MessageHandler.Whole<String>}, {@code Foo} for {@code Decoder.Text<Foo>}. Follows superclasses,
 * superinterfaces and type variables bound on the way.
 *
 * <p>Stateless; thread safe.
 */
public final class GenericTypes {

    private GenericTypes() {
    }

    /**
     * The raw class bound to {@code target}'s single type parameter by {@code implementation}, or null when it
     * cannot be known (a lambda, a raw implementation, or a variable never bound).
     */
    public static Class<?> typeArgument(Class<?> implementation, Class<?> target) {
        Type found = find(implementation, target, new HashMap<>());
        return found == null ? null : rawClass(found);
    }

    private static Type find(Type type, Class<?> target, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw = rawClass(type);
        if (raw == null) {
            return null;
        }
        if (type instanceof ParameterizedType parameterized) {
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] arguments = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                bindings.put(variables[i], resolve(arguments[i], bindings));
            }
            if (raw == target) {
                return resolve(arguments[0], bindings);
            }
        } else if (raw == target) {
            return null; // raw use: the argument is unknown
        }
        for (Type parent : raw.getGenericInterfaces()) {
            Type found = find(parent, target, new HashMap<>(bindings));
            if (found != null) {
                return found;
            }
        }
        Type superclass = raw.getGenericSuperclass();
        return superclass == null ? null : find(superclass, target, bindings);
    }

    private static Type resolve(Type type, Map<TypeVariable<?>, Type> bindings) {
        Type current = type;
        while (current instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
            Type next = bindings.get(variable);
            if (next == current) {
                break;
            }
            current = next;
        }
        return current;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        } else if (type instanceof ParameterizedType p) {
            return (Class<?>) p.getRawType();
        } else if (type instanceof GenericArrayType array) {
            Class<?> component = rawClass(array.getGenericComponentType());
            return component == null ? null : component.arrayType();
        } else {
            return null; // an unbound variable or a wildcard
        }
    }
}
