package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Sys;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.RecvByteBufAllocator;

import java.net.SocketAddress;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * What listening channels share: the {@code accept4(2)} loop (children come non-blocking and close-on-exec from
 * the call itself, with the peer address the call wrote) and the answer to running out of descriptors. On
 * {@code EMFILE}/{@code ENFILE} the channel stops asking epoll for readiness and retries after a back-off (10 ms
 * doubling to 1 s): level-triggered EPOLLIN would otherwise fire again at once and spin the loop. Connections wait
 * in the kernel's queue meanwhile; none is accepted and dropped, and accepting resumes by itself once descriptors
 * are free. The pipeline hears of it through {@code exceptionCaught} at most once per
 * 10 seconds, not once per retry.
 */
public abstract class AbstractSocket2ServerChannel extends AbstractSocket2Channel {
    private final AcceptBackoff backoff = new AcceptBackoff();

    AbstractSocket2ServerChannel(Socket socket, boolean ipv6) {
        super(null, socket, ipv6, false, 0);
    }

    /**
     * The channel for an accepted descriptor, which it then owns; {@code peer} is the address {@code accept4(2)}
     * wrote, so the child need not ask the kernel again.
     */
    abstract Channel newChild(Socket child, SockAddr peer);

    @Override protected SocketAddress remoteAddress0() { return null; }

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
        @SuppressWarnings("deprecation")
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
                            backoff.reset();
                            break;
                        }
                        if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) continue;  // the next one may be fine
                        if (errno == Errno.EMFILE || errno == Errno.ENFILE) {
                            backOff();
                            if (backoff.shouldReport()) failure = OsError.of("accept4(2)", errno);
                        } else {
                            failure = OsError.of("accept4(2)", errno);
                        }
                        break;
                    }
                    backoff.reset();
                    h.lastBytesRead(1);
                    h.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(accepted(child, s));
                } while (h.continueReading());
            } catch (Throwable t) {
                failure = t;
            }
            h.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) pipeline.fireExceptionCaught(failure);
            if (shouldStopReading(cfg)) clearFlag(C.EPOLLIN);
        }

        /** The child for an accepted descriptor; closes it if the channel cannot be made. */
        private Channel accepted(int child, LoopScratch s) {
            Socket socket = Socket.fromFd(child);
            try {
                return newChild(socket, SockAddr.fromSegment(s.addr, s.addrLen.get(JAVA_INT, 0)));
            } catch (Throwable t) {
                try { socket.close(); } catch (Throwable ignored) { /* reporting the first failure */ }
                throw t;
            }
        }

        private void backOff() {
            clearFlag(C.EPOLLIN);
            backoff.schedule(eventLoop(), this::retryAccept);
        }

        private void retryAccept() {
            if (isOpen() && (readPending || config().isAutoRead())) setFlag(C.EPOLLIN);
        }
    }
}
