package dev.socket2j.netty;

import dev.socket2j.Socket;
import io.netty.channel.unix.FileDescriptor;

import java.io.IOException;

/**
 * The {@link FileDescriptor} that {@code UnixChannel.fd()} must return, backed by a core {@link Socket}. Only
 * its number, {@code isOpen} and {@code close} are meant for use: its inherited I/O methods are Netty's JNI,
 * which socket2j never loads.
 */
final class NettyFd extends FileDescriptor {
    private final Socket socket;

    NettyFd(Socket socket) {
        super(socket.rawFd());
        this.socket = socket;
    }

    @Override public boolean isOpen() { return !socket.isClosed(); }

    @Override public void close() throws IOException { socket.close(); }

    @Override public String toString() { return "FileDescriptor{fd=" + intValue() + "}"; }
}
