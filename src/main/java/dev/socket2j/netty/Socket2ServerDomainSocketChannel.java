package dev.socket2j.netty;

import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Sys;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.ServerDomainSocketChannel;

import java.io.File;
import java.net.SocketAddress;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A listening Unix stream socket on socket2j's epoll loop: Netty's {@link ServerDomainSocketChannel}. Accepted
 * connections are {@link Socket2DomainSocketChannel}s. Closing the channel deletes the socket file it bound (as
 * Netty's epoll transport does); abstract addresses leave nothing behind.
 */
public final class Socket2ServerDomainSocketChannel extends AbstractSocket2Channel implements ServerDomainSocketChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final Socket2ServerDomainSocketChannelConfig config;

    /** A new Unix stream socket, to be bound to a {@code DomainSocketAddress} (pathname, or abstract as {@code "\0name"}). */
    public Socket2ServerDomainSocketChannel() {
        super(null, Socket2DomainSocketChannel.newUnix(C.SOCK_STREAM), false, false, 0);
        this.config = new Socket2ServerDomainSocketChannelConfig(this);
    }

    @Override public Socket2ServerDomainSocketChannelConfig config() { return config; }

    @Override public ChannelMetadata metadata() { return METADATA; }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return null; }

    @Override protected SocketAddress remoteAddress0() { return null; }

    @Override
    void resetCachedAddresses() {
        try { local = DomainAddresses.fromKernel(socket.localAddr()); } catch (java.io.IOException e) { local = null; }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(DomainAddresses.toKernel(localAddress));
        local = DomainAddresses.fromKernel(socket.localAddr());
        socket.listen(config.getBacklog());
        active = true;
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            DomainSocketAddress l = (DomainSocketAddress) local;
            if (l != null && !l.path().isEmpty() && l.path().charAt(0) != '\0') {
                // the socket file outlives the socket; removing it frees the name for the next bind
                new File(l.path()).delete();
            }
        }
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) { throw new UnsupportedOperationException(); }

    @Override
    protected Object filterOutboundMessage(Object msg) { throw new UnsupportedOperationException(); }

    @Override
    protected AbstractSocket2Unsafe newUnsafe() { return new ServerUnsafe(); }

    private final class ServerUnsafe extends AbstractSocket2Unsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException());
        }

        @Override
        void epollInReady() {
            ChannelConfig cfg = config();
            if (!isActive()) {
                clearFlag(C.EPOLLIN);
                return;
            }
            RecvByteBufAllocator.Handle h = recvBufAllocHandle();
            ChannelPipeline pipeline = pipeline();
            h.reset(cfg);
            h.attemptedBytesRead(1);
            LoopScratch s = scratch();
            Throwable failure = null;
            try {
                do {
                    s.addrLen.set(JAVA_INT, 0, (int) Layouts.SOCKADDR_STORAGE_SIZE);
                    int child = Sys.accept4Nb(s.capture, fd, s.addr, s.addrLen, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
                    if (child < 0) {
                        int errno = errno(s);
                        if (errno == Errno.EAGAIN) {
                            h.lastBytesRead(-1);
                            break;
                        }
                        if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) continue;
                        failure = Errors.of("accept4(2)", errno);
                        break;
                    }
                    h.lastBytesRead(1);
                    h.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(new Socket2DomainSocketChannel(Socket2ServerDomainSocketChannel.this,
                        Socket.fromFd(child), true));
                } while (h.continueReading());
            } catch (Throwable t) {
                failure = t;
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) pipeline.fireExceptionCaught(failure);
            if (shouldStopReading(cfg)) clearFlag(C.EPOLLIN);
        }
    }
}
