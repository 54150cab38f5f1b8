package dev.socket2j.internal;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Errno#name} is a switch written beside the constants; every constant must have its own name there. */
class ErrnoNamesTest {
    @Test
    void everyConstantIsNamedAfterItself() throws IllegalAccessException {
        int checked = 0;
        for (Field f : Errno.class.getFields()) {
            if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) continue;
            String expected = f.getName().equals("EWOULDBLOCK") ? "EAGAIN" : f.getName();  // the same number on Linux
            assertEquals(expected, Errno.name(f.getInt(null)), f.getName());
            checked++;
        }
        assertEquals(true, checked > 50, "constants found: " + checked);
    }

    @Test
    void unknownNumberIsNamedByNumber() {
        assertEquals("errno 4000", Errno.name(4000));
    }

    @Test
    void textComesFromTheCLibrary() {
        assertEquals("Connection refused", Errno.text(Errno.ECONNREFUSED));
        assertEquals("Unknown error 5000", Errno.text(5000));
    }
}
