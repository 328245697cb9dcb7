package dev.sori.websocket;

import java.lang.reflect.Field;

/**
 * Finds a container's private field by the name of its type, for the few places where Sori reaches
 * past Tyrus's public API ({@link TyrusFrameConnection}, and the standalone server's direct frame
 * writer). By type name rather than {@code Class}: in Payara, Tyrus's classes may sit in class
 * loaders other than ours.
 */
public final class PrivateFields {
    private PrivateFields() {
    }

    /** The first field of {@code owner} or its superclasses whose type is named {@code typeName}, made accessible. */
    public static Field ofType(Class<?> owner, String typeName) throws NoSuchFieldException {
        for (Class<?> c = owner; c != null; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (field.getType().getName().equals(typeName)) {
                    field.setAccessible(true);
                    return field;
                }
            }
        }
        throw new NoSuchFieldException(owner.getName() + " has no field of type " + typeName);
    }
}
