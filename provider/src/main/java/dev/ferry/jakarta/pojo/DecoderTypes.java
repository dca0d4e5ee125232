package dev.ferry.jakarta.pojo;

import jakarta.websocket.Decoder;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.HashMap;
import java.util.Map;

/**
 * What a {@link Decoder} class produces and from which kind of message, read from its generic declaration
 * ({@code class FooDecoder implements Decoder.Text<Foo>} decodes TEXT into {@code Foo}). Stateless.
 */
public final class DecoderTypes {

    private DecoderTypes() {
    }

    /** The message kind a decoder reads: TEXT for {@code Text}/{@code TextStream}, BINARY for the binary two. */
    public static MessageKind kind(Class<? extends Decoder> decoder) {
        if (Decoder.Text.class.isAssignableFrom(decoder) || Decoder.TextStream.class.isAssignableFrom(decoder)) {
            return MessageKind.TEXT;
        }
        if (Decoder.Binary.class.isAssignableFrom(decoder) || Decoder.BinaryStream.class.isAssignableFrom(decoder)) {
            return MessageKind.BINARY;
        }
        throw new IllegalArgumentException("decoder " + decoder.getName()
                + " implements none of Decoder.Text, TextStream, Binary, BinaryStream");
    }

    /** The type a decoder produces ({@code T} of its {@code Decoder.X<T>}), erased; {@code Object} when raw. */
    public static Class<?> targetType(Class<? extends Decoder> decoder) {
        for (Class<?> api : new Class<?>[] {Decoder.Text.class, Decoder.TextStream.class, Decoder.Binary.class,
                Decoder.BinaryStream.class}) {
            if (api.isAssignableFrom(decoder)) {
                Type argument = typeArgument(decoder, api, new HashMap<>());
                return argument == null ? Object.class : erase(argument);
            }
        }
        throw new IllegalArgumentException("decoder " + decoder.getName()
                + " implements none of Decoder.Text, TextStream, Binary, BinaryStream");
    }

    /**
     * The first type argument with which {@code type} implements {@code target}, following type-variable bindings
     * through superclasses and superinterfaces; null when only the raw type is implemented.
     */
    static Type typeArgument(Type type, Class<?> target, Map<TypeVariable<?>, Type> bindings) {
        Class<?> raw;
        Map<TypeVariable<?>, Type> own = new HashMap<>();
        if (type instanceof ParameterizedType parameterized) {
            raw = (Class<?>) parameterized.getRawType();
            TypeVariable<?>[] variables = raw.getTypeParameters();
            Type[] actual = parameterized.getActualTypeArguments();
            for (int i = 0; i < variables.length; i++) {
                own.put(variables[i], substitute(actual[i], bindings));
            }
            if (raw == target) {
                return own.get(variables[0]);
            }
        } else if (type instanceof Class<?> c) {
            raw = c;
            if (raw == target) {
                return null;
            }
        } else {
            return null;
        }
        if (!target.isAssignableFrom(raw)) {
            return null;
        }
        Type superclass = raw.getGenericSuperclass();
        if (superclass != null && target.isAssignableFrom(erase(superclass))) {
            Type found = typeArgument(superclass, target, own);
            if (found != null) {
                return found;
            }
        }
        for (Type superinterface : raw.getGenericInterfaces()) {
            if (target.isAssignableFrom(erase(superinterface))) {
                Type found = typeArgument(superinterface, target, own);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Type substitute(Type type, Map<TypeVariable<?>, Type> bindings) {
        if (type instanceof TypeVariable<?> variable && bindings.containsKey(variable)) {
            return bindings.get(variable);
        }
        return type;
    }

    /** The class a type erases to. */
    static Class<?> erase(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        if (type instanceof GenericArrayType array) {
            return erase(array.getGenericComponentType()).arrayType();
        }
        if (type instanceof TypeVariable<?> variable) {
            return erase(variable.getBounds()[0]);
        }
        return Object.class;
    }
}
