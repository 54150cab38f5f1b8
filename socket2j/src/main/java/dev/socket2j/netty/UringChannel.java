package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Uring;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;

/**
 * What every io_uring channel shares: the owned {@link Socket} (a blocking descriptor: io_uring waits for
 * readiness itself, and fails operations on an {@code O_NONBLOCK} one with {@code EAGAIN}), the registration on
 * {@link Socket2UringIoHandler}, connect through {@code IORING_OP_CONNECT} with {@code CONNECT_TIMEOUT_MILLIS}, and
 * close. Close cancels every operation in flight on the descriptor ({@code IORING_OP_ASYNC_CANCEL}) and closes the
 * descriptor only once the last of them has completed, so its number cannot be reused while the kernel still
 * holds an operation for it; {@link #isOpen()} is false from the moment close starts.
 */
public abstract class UringChannel extends AbstractChannel implements UnixChannel {
    static final int TAG_RECV = 1, TAG_WRITE = 2, TAG_CONNECT = 3, TAG_ACCEPT = 4, TAG_CANCEL = 5, TAG_POLL = 6,
        TAG_SPLICE_POLL = 7;

    final Socket socket;
    final int fd;
    final boolean ipv6;
    private final NettyFd nettyFd;
    volatile boolean active;
    private volatile boolean open = true;
    private boolean socketClosed;
    volatile SocketAddress local;
    volatile SocketAddress remote;
    /** The loop's registration, as the loop wraps it (cancel through it) and the engine's own (submit through it). */
    private IoRegistration nettyRegistration;
    Socket2UringIoHandler.Registration registration;
    /** The option dispatch's view of this channel (owned socket, kind, refusals before registration). */
    final ConfigSupport.OptionHost options;

    private final PendingConnect connect = new PendingConnect(this);

    /** A channel whose kind follows from its Netty interfaces ({@link Sockets#kindOf}) and family. */
    UringChannel(Channel parent, Socket socket, boolean ipv6, boolean active) {
        this(parent, socket, null, ipv6, active);
    }

    /** A channel over a socket of the given kind, which decides the options that apply to it. */
    UringChannel(Channel parent, Socket socket, SocketKind kind, boolean active) {
        this(parent, socket, kind, kind.domain().equals(Domain.IPV6), active);
    }

    private UringChannel(Channel parent, Socket socket, SocketKind kind, boolean ipv6, boolean active) {
        super(parent);
        this.socket = socket;
        this.fd = socket.rawFd();
        this.ipv6 = ipv6;
        this.nettyFd = new NettyFd(socket);
        this.options = new ConfigSupport.OptionHost(this, socket, kind != null ? kind : Sockets.kindOf(this, ipv6));
        this.active = active;
        if (active) resetCachedAddresses();
    }

    /** Makes an adopted descriptor blocking (see the class comment). */
    static Socket blocking(Socket s) {
        try {
            s.setNonblocking(false);
            return s;
        } catch (IOException e) {
            try { s.close(); } catch (IOException ignored) { /* reporting the first failure */ }
            throw new ChannelException(e);
        }
    }

    /** The socket as a borrowed reference: any core call (options, {@code tcpInfo()}, ...) on it. */
    public SockRef socket() { return SockRef.borrow(socket); }

    @Override public final FileDescriptor fd() { return nettyFd; }

    @Override public boolean isOpen() { return open; }

    @Override public boolean isActive() { return active; }

    @Override protected SocketAddress localAddress0() { return local; }

    @Override protected SocketAddress remoteAddress0() { return remote; }

    void resetCachedAddresses() {
        try { local = fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
        try { remote = fromKernel(socket.peerAddr()); } catch (IOException e) { /* keep the requested one */ }
    }

    /** Netty's address to the kernel's, for bind and connect (IP here; Unix channels override both). */
    SockAddr toKernel(SocketAddress address) { return Addresses.toKernel(address, ipv6); }

    /** The kernel's address to Netty's. */
    SocketAddress fromKernel(SockAddr address) { return Addresses.fromKernel(address); }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(UringUnsafe.class);
    }

    final Socket2UringIoHandler loop() { return registration.loop(); }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ChannelException refused = options.refusal();
        if (refused != null) {
            promise.setFailure(refused);
            return;
        }
        ((IoEventLoop) eventLoop()).register((UringUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                nettyRegistration = (IoRegistration) f.getNow();
                registration = nettyRegistration.attachment();
                if (active) activated();
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        Socket2UringIoHandler.Registration r = registration;
        if (r != null && r.isValid()) {
            if (r.inFlight > 0) cancelInFlight(r);
            nettyRegistration.cancel();
        }
    }

    /** Cancels every operation on the descriptor; their completions still arrive (with ECANCELED). */
    void cancelInFlight(Socket2UringIoHandler.Registration r) {
        r.cancelFd(fd, TAG_CANCEL, TAG_RECV, TAG_WRITE, TAG_CONNECT, TAG_ACCEPT, TAG_POLL, TAG_SPLICE_POLL);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(toKernel(localAddress));
        local = fromKernel(socket.localAddr());
    }

    @Override
    protected void doDisconnect() throws Exception { doClose(); }

    @Override
    protected void doClose() throws Exception {
        active = false;
        open = false;
        connect.channelClosed();
        Socket2UringIoHandler.Registration r = registration;
        if (r != null && !r.freed && r.inFlight > 0 && eventLoop().inEventLoop()) {
            cancelInFlight(r);   // the descriptor is closed when the last completion is in (unregistered)
        } else {
            closeSocket();
        }
    }

    /** Closes the descriptor once; from close, or when the registration's last operation completed. */
    final void closeSocket() throws IOException {
        if (socketClosed) return;
        socketClosed = true;
        released();
        socket.close();
    }

    /** The channel is registered and connected (accepted, adopted connected, or its connect completed). */
    void activated() { }

    /** Memory the channel holds for the kernel is given back (all its operations are complete). */
    void released() { }

    /** Connects through IORING_OP_CONNECT; the completion finishes it. */
    void startConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote != null) throw new AlreadyConnectedException();
        if (localAddress != null) doBind(localAddress);
        SockAddr sa = toKernel(remoteAddress);
        Socket2UringIoHandler loop = loop();
        long addr = loop.stable(128);   // the kernel copies the address when it takes the SQE
        int len = sa.copyTo(MemorySegment.ofAddress(addr).reinterpret(128));
        registration.sqe(Uring.OP_CONNECT, fd, addr, 0, len, TAG_CONNECT);
    }

    abstract class UringUnsafe extends AbstractUnsafe implements UringIoHandle {
        boolean readPending;

        @Override public void close() { close(voidPromise()); }

        @Override
        public void unregistered() {
            if (!open) {
                try {
                    closeSocket();
                } catch (IOException ignored) {
                    // close(2) releases the number whatever it reports
                }
            }
        }

        @Override
        public final void complete(int op, int res, int flags) {
            switch (op) {
                case TAG_CONNECT -> connectComplete(res);
                case TAG_CANCEL -> { }
                default -> completeOp(op, res, flags);
            }
            if (!open) completedWhileClosed();
        }

        abstract void completeOp(int op, int res, int flags);

        /** A completion arrived after close; the registration's count says what is still in flight. */
        void completedWhileClosed() { }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) return;
            try {
                connect.checkNotPending();
                startConnect(remoteAddress, localAddress);
                connect.start(promise, remoteAddress);
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        private void connectComplete(int res) {
            ChannelPromise promise = connect.finish();
            if (promise == null) return;   // closed or timed out: the op ended with ECANCELED
            if (res < 0) {
                int errno = -res;
                Throwable cause = errno == Errno.ECANCELED ? new ClosedChannelException()
                    : annotateConnectException(OsError.ofConnect("connect(2)", errno), connect.requested());
                promise.tryFailure(cause);
                closeIfClosed();
                return;
            }
            boolean wasActive = active;
            active = true;
            if (remote == null) remote = connect.requested();
            resetCachedAddresses();
            activated();
            PendingConnect.succeeded(UringChannel.this, promise, wasActive);
        }

        /** Readers stop when nobody wants data: auto-read off and no read() pending. */
        final boolean shouldStopReading() { return !readPending && !config().isAutoRead(); }
    }

    @Override
    protected abstract AbstractUnsafe newUnsafe();

    /** Auto-read was turned off: forget a pending read (each kind of channel says what else it stops). */
    abstract void clearReadPending();
}
