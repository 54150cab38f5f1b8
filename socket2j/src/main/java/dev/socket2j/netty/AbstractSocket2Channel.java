package dev.socket2j.netty;

import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.SockRef;
import dev.socket2j.Socket;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Libc;
import dev.socket2j.internal.Sys;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;

/**
 * What every socket2j channel shares: the owned {@link Socket}, its epoll registration (level-triggered, as Netty
 * 4.2's epoll transport), the interest mask, connect with {@code CONNECT_TIMEOUT_MILLIS}, and close.
 *
 * <p>This class and its abstract subclasses are public, as Netty's {@code AbstractEpollChannel} is, so that their
 * public methods ({@link #socket()}, {@code spliceTo}, ...) can also be called through reflection; their
 * constructors are package-private: only this package's channels extend them.
 */
public abstract class AbstractSocket2Channel extends AbstractChannel implements UnixChannel {
    final Socket socket;
    final int fd;
    final boolean ipv6;
    private final NettyFd nettyFd;
    volatile boolean active;
    volatile SocketAddress local;
    volatile SocketAddress remote;
    private Socket2IoOps ops;
    private final Socket2IoOps initialOps;
    private volatile IoRegistration registration;
    boolean inputClosedSeenErrorOnRead;
    /**
     * The option dispatch's view of this channel: its socket, its kind, and the options refused before registration.
     * Netty's bootstrap logs and ignores what {@code setOption} throws, so registration fails with the first refusal
     * still standing instead: a refused option fails the bootstrap (for a {@code ServerBootstrap}'s
     * {@code childOption}, each accepted child's registration), unless a later set of the same option succeeded.
     */
    final ConfigSupport.OptionHost options;

    private final PendingConnect connect = new PendingConnect(this);

    AbstractSocket2Channel(Channel parent, Socket socket, boolean ipv6, boolean active, int interest) {
        super(parent);
        this.socket = socket;
        this.fd = socket.rawFd();
        this.ipv6 = ipv6;
        this.nettyFd = new NettyFd(socket);
        this.options = new ConfigSupport.OptionHost(this, socket, Sockets.kindOf(this, ipv6));
        this.active = active;
        this.initialOps = Socket2IoOps.of(interest);
        this.ops = initialOps;
        // an accepted child learns its addresses from the server channel (acceptedFrom): no syscalls here
        if (active && parent == null) resetCachedAddresses();
    }

    /** Makes the descriptor non-blocking (accepted and new sockets are made so already; this is for adopted ones). */
    static Socket nonBlocking(Socket s) {
        try {
            s.setNonblocking(true);
            return s;
        } catch (IOException e) {
            try { s.close(); } catch (IOException ignored) { /* reporting the first failure */ }
            throw new ChannelException(e);
        }
    }

    /**
     * The socket as a borrowed reference for any core call (options, {@code tcpInfo()}, {@code sendmsg}) on it. It
     * goes through the channel's close guard ({@link SockRef#borrow}): once the channel is closed, every call on it
     * throws {@link ClosedChannelException}, even one on a reference taken before the close.
     */
    public SockRef socket() { return SockRef.borrow(socket); }

    @Override public final FileDescriptor fd() { return nettyFd; }

    @Override public boolean isOpen() { return !socket.isClosed(); }

    @Override public boolean isActive() { return active; }

    @Override protected SocketAddress localAddress0() { return local; }

    @Override protected SocketAddress remoteAddress0() { return remote; }

    void resetCachedAddresses() {
        try { local = Addresses.fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
        try { remote = Addresses.fromKernel(socket.peerAddr()); } catch (IOException e) { /* keep the requested one */ }
    }

    /**
     * The addresses of a child just accepted: the peer is what {@code accept4(2)} wrote. The local address still
     * takes a {@code getsockname}, as in Netty's epoll transport: behind a wildcard or transparent ({@code
     * IP_TRANSPARENT}) listener it is the address the peer dialled, not the listener's.
     */
    void acceptedFrom(SockAddr peer) {
        remote = Addresses.fromKernel(peer);
        try { local = Addresses.fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(AbstractSocket2Unsafe.class);
    }

    final LoopScratch scratch() { return Socket2IoHandler.scratchOf(registration); }

    final boolean isFlagSet(int flag) { return (ops.value() & flag) != 0; }

    final void setFlag(int flag) {
        if (ops.contains(flag)) return;
        ops = ops.with(flag);
        IoRegistration r = registration;
        if (r != null && r.isValid()) r.submit(ops);
    }

    final void clearFlag(int flag) {
        if (!isFlagSet(flag)) return;
        ops = ops.without(flag);
        IoRegistration r = registration;
        if (r != null && r.isValid()) r.submit(ops);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ChannelException refused = options.refusal();
        if (refused != null) {
            promise.setFailure(refused);
            return;
        }
        ((IoEventLoop) eventLoop()).register((AbstractSocket2Unsafe) unsafe()).addListener(new Registered(promise));
    }

    /** Completes {@code doRegister}; a named class, as a lambda's class would be generated at the first accept. */
    private final class Registered implements GenericFutureListener<Future<? super IoRegistration>> {
        private final ChannelPromise promise;

        Registered(ChannelPromise promise) { this.promise = promise; }

        @Override
        public void operationComplete(Future<? super IoRegistration> f) {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                try {
                    registration.submit(ops);
                } catch (RuntimeException e) {
                    promise.setFailure(e);
                    return;
                }
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        }
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            // a registration on another loop starts from the constructor's interest, but keeps asking for
            // EPOLLRDHUP if it still did: a connected client's peer FIN must not go unheard there
            ops = initialOps.with(ops.value() & C.EPOLLRDHUP);
            r.cancel();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(Addresses.toKernel(localAddress, ipv6));
        local = Addresses.fromKernel(socket.localAddr());
    }

    @Override
    protected void doDisconnect() throws Exception { doClose(); }

    @Override
    protected void doClose() throws Exception {
        active = false;
        inputClosedSeenErrorOnRead = true;
        try {
            connect.channelClosed();
            IoRegistration r = registration;
            if (r != null) r.cancel();  // leaves the epoll set before the number can be reused
        } finally {
            socket.close();
        }
    }

    @Override
    protected void doBeginRead() {
        AbstractSocket2Unsafe u = (AbstractSocket2Unsafe) unsafe();
        u.readPending = true;
        setFlag(C.EPOLLIN);
    }

    /** Auto-read was turned off: forget a pending read and stop asking for EPOLLIN. */
    final void clearReadPending() {
        if (isRegistered()) {
            EventLoop loop = eventLoop();
            if (loop.inEventLoop()) {
                clearReadPending0();
            } else {
                loop.execute(this::clearReadPending0);
            }
        } else {
            ((AbstractSocket2Unsafe) unsafe()).readPending = false;
        }
    }

    private void clearReadPending0() {
        ((AbstractSocket2Unsafe) unsafe()).readPending = false;
        clearFlag(C.EPOLLIN);
    }

    /** Connects; true if done at once, false if EPOLLOUT will tell. */
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote != null) throw new AlreadyConnectedException();
        if (localAddress != null) doBind(localAddress);
        boolean done = doConnect0(remoteAddress);
        if (done) {
            remote = remoteAddress;
            resetCachedAddresses();
        }
        return done;
    }

    boolean doConnect0(SocketAddress remoteAddress) throws Exception {
        LoopScratch s = scratch();
        int len = Addresses.toKernel(remoteAddress, ipv6).copyTo(s.addr);
        int rc = Sys.connectNb(s.capture, fd, s.addr, len);
        if (rc == 0) return true;
        int errno = Libc.errno(s.capture);
        if (errno == Errno.EINPROGRESS) {
            setFlag(C.EPOLLOUT);
            return false;
        }
        throw OsError.ofConnect("connect(2)", errno);
    }

    /** SO_ERROR after EPOLLOUT: the connect's outcome. */
    void doFinishConnect() throws Exception {
        int err = socket.getOption(dev.socket2j.SockOpt.SO_ERROR);
        if (err != 0) throw OsError.ofConnect("connect(2)", err);
        clearFlag(C.EPOLLOUT);
        if (remote == null) remote = connect.requested();
        resetCachedAddresses();
    }

    abstract class AbstractSocket2Unsafe extends AbstractUnsafe implements Socket2IoHandle {
        boolean readPending;
        /** EPOLLRDHUP seen: the peer sent FIN, so read on until EOF whatever the allocator says. */
        boolean rdHup;

        @Override public int fd() { return fd; }

        @Override
        public void handle(IoRegistration reg, IoEvent event) {
            int ev = ((Socket2IoEvent) event).events();
            // The order below is load-bearing; Netty's epoll transport reached it through bugs.
            // On a connected channel EPOLLHUP counts as EPOLLERR: the kernel reports both whatever the interest mask,
            // and a level-triggered HUP that reached neither branch would come back on every wakeup with nothing to
            // end it. A socket not connected yet reports HUP as its normal state: its connect decides.
            if ((ev & C.EPOLLHUP) != 0 && isActive()) ev |= C.EPOLLERR;
            // EPOLLOUT first: a refused connect shows up as EPOLLOUT, EPOLLERR or both, and its promise must fail
            // before anything reads the descriptor (Netty issues #3785 and #3848).
            if ((ev & (C.EPOLLERR | C.EPOLLOUT)) != 0) epollOutReady();
            // EPOLLIN before EPOLLRDHUP: what the peer sent before its FIN is read before the input is shut down
            // (Netty issue #4317); an error also goes through the read, which reports it to the pipeline.
            if ((ev & (C.EPOLLERR | C.EPOLLIN)) != 0) epollInReady();
            if ((ev & C.EPOLLRDHUP) != 0) epollRdHupReady();
        }

        @Override public void close() { close(voidPromise()); }

        abstract void epollInReady();

        void epollRdHupReady() {
            rdHup = true;
            if (isActive()) {
                epollInReady();
            } else {
                shutdownInput(true);
            }
            clearFlag(C.EPOLLRDHUP);
        }

        /** Input ended (read returned 0 or the peer reset): half-close or close, as the config says. */
        void shutdownInput(boolean rdHup) { close(voidPromise()); }

        void epollOutReady() {
            if (connect.isPending()) {
                finishConnect();
            } else if (socket.isClosed()) {
                return;
            } else {
                super.flush0();
            }
        }

        /** Readers stop asking for EPOLLIN when nobody wants data: auto-read off and no read() pending. */
        final boolean shouldStopReading(ChannelConfig config) { return !readPending && !config.isAutoRead(); }

        @Override
        protected final void flush0() {
            // waiting for EPOLLOUT: the kernel buffer is full, writing now would only fail again
            if (!isFlagSet(C.EPOLLOUT)) super.flush0();
        }

        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // the promise stays cancellable: a non-blocking connect can be abandoned by closing the socket
            if (promise.isDone() || !ensureOpen(promise)) return;
            try {
                connect.checkNotPending();
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    fulfillConnectPromise(promise, wasActive);
                    return;
                }
                connect.start(promise, remoteAddress);
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        private void fulfillConnectPromise(ChannelPromise promise, boolean wasActive) {
            if (promise == null) return;
            active = true;
            setFlag(C.EPOLLRDHUP);
            PendingConnect.succeeded(AbstractSocket2Channel.this, promise, wasActive);
        }

        private void fulfillConnectPromise(ChannelPromise promise, Throwable cause) {
            if (promise == null) return;
            promise.tryFailure(cause);
            closeIfClosed();
        }

        private void finishConnect() {
            ChannelPromise promise = connect.finish();
            try {
                boolean wasActive = isActive();
                doFinishConnect();
                fulfillConnectPromise(promise, wasActive);
            } catch (Throwable t) {
                fulfillConnectPromise(promise, annotateConnectException(t, connect.requested()));
            }
        }
    }

    /** Must return an {@link AbstractSocket2Unsafe} (declared as Netty's type: the subclass is package-private). */
    @Override
    protected abstract AbstractUnsafe newUnsafe();

    static int errno(LoopScratch s) { return Libc.errno(s.capture); }
}
