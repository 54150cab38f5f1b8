package dev.socket2j.netty;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.FileRegion;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.channels.FileChannel;

/**
 * Reaches the file descriptor inside a {@link DefaultFileRegion} so that {@code sendfile(2)} can send it. The JDK
 * keeps it private: this needs {@code --add-opens java.base/sun.nio.ch=...} and {@code java.base/java.io=...};
 * without them {@link #fdOf} answers -1 and the channel falls back to {@link FileRegion#transferTo}.
 */
final class FileRegions {
    private FileRegions() {}

    private static final Field FILE, TRANSFERRED, CHANNEL_FD, FD_NUMBER;
    static {
        Field file = null, transferred = null, channelFd = null, number = null;
        try {
            file = DefaultFileRegion.class.getDeclaredField("file");
            transferred = DefaultFileRegion.class.getDeclaredField("transferred");
            channelFd = Class.forName("sun.nio.ch.FileChannelImpl").getDeclaredField("fd");
            number = FileDescriptor.class.getDeclaredField("fd");
            file.setAccessible(true);
            transferred.setAccessible(true);
            channelFd.setAccessible(true);
            number.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            file = null;  // not opened to us: use transferTo
        }
        FILE = file;
        TRANSFERRED = transferred;
        CHANNEL_FD = channelFd;
        FD_NUMBER = number;
    }

    /** The open file's descriptor number, or -1 if it cannot be reached. */
    static int fdOf(DefaultFileRegion region) {
        if (FILE == null) return -1;
        try {
            region.open();
            Object channel = FILE.get(region);
            if (!(channel instanceof FileChannel) || !CHANNEL_FD.getDeclaringClass().isInstance(channel)) return -1;
            return FD_NUMBER.getInt(CHANNEL_FD.get(channel));
        } catch (ReflectiveOperationException | IOException e) {
            return -1;
        }
    }

    static long position(FileRegion region) { return region.position(); }

    static void addTransferred(DefaultFileRegion region, long n) {
        try {
            TRANSFERRED.setLong(region, TRANSFERRED.getLong(region) + n);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
