package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.SocketKind;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Sys;
import dev.socket2j.internal.Uring;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.ServerDomainSocketChannel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A Unix stream socket on {@link Socket2UringIoHandler}: Netty's {@link DomainSocketChannel} (pathname addresses, and
 * abstract ones written {@code "\0name"}), usable wherever {@link Socket2DomainSocketChannel} or
 * {@code EpollDomainSocketChannel} is, with the same configuration ({@link Socket2DomainSocketChannelConfig}).
 * Bytes are read and written as on {@link Socket2UringSocketChannel}.
 *
 * <p>In {@link DomainSocketReadMode#FILE_DESCRIPTORS} mode the channel reads with {@code IORING_OP_RECVMSG} (one in
 * flight, 5.1) instead of the buffer-ring recv, and fires each descriptor passed with {@code SCM_RIGHTS} as a
 * {@link FileDescriptor} the handler owns (its {@code close()} closes the descriptor; they arrive with
 * {@code O_CLOEXEC}); bytes that come with them are dropped. The mode in effect when a read is armed applies to it,
 * and a byte read has no room for ancillary data (the kernel closes descriptors it cannot deliver): set the mode
 * before the channel is active ({@code Bootstrap.option}, {@code ServerBootstrap.childOption}), not while a peer
 * may already be sending descriptors.
 *
 * <p>Writing a {@link FileDescriptor} sends it with one byte of data through {@code IORING_OP_SENDMSG}, in its order
 * among the byte buffers. The channel sends a duplicate it holds until the send completed, so the caller may close its
 * own descriptor as soon as the write's promise is done (or failed by close) without the kernel ever reading a
 * reused number; a descriptor that is already closed fails the write with {@code EBADF}.
 *
 * <p>{@code FileRegion} writes go out as on the TCP channel, through the channel's staging buffer.
 */
public final class Socket2UringDomainSocketChannel extends UringStreamChannel implements DomainSocketChannel {
    /** Slot 0 receives, slot 1 sends; slot 2's control buffer is what dropped bytes are read into. */
    private static final int RECV = 0, SEND = 1, DROP = 2;

    private final Socket2DomainSocketChannelConfig config;
    // event loop only
    private MsgSlots slots;
    private boolean fdRecvArmed, fdWriteInFlight;
    /** The duplicate of the descriptor whose SENDMSG is in flight, or -1. */
    private int sentDup = -1;
    private IOException fdWriteError;

    /** A new, unconnected Unix stream socket. */
    public Socket2UringDomainSocketChannel() { this(null, newUnixStream(), false); }

    /** Adopts an open Unix stream socket descriptor (connected or not, e.g. one end of a socketpair); it is made blocking. */
    public Socket2UringDomainSocketChannel(int fd) { this(null, blocking(Socket.fromFd(fd)), Sockets.isConnected(fd)); }

    Socket2UringDomainSocketChannel(Channel parent, Socket socket, boolean active) {
        super(parent, socket, SocketKind.UNIX_STREAM, active);
        this.config = new Socket2DomainSocketChannelConfig(this);
    }

    /** A blocking Unix stream socket: io_uring waits for readiness itself. */
    static Socket newUnixStream() {
        try {
            return Socket.open(Domain.UNIX, Type.STREAM);
        } catch (IOException e) {
            throw new ChannelException("cannot open a Unix stream socket", e);
        }
    }

    @Override public Socket2DomainSocketChannelConfig config() { return config; }

    @Override public ServerDomainSocketChannel parent() { return (ServerDomainSocketChannel) super.parent(); }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return (DomainSocketAddress) super.remoteAddress(); }

    @Override boolean allowHalfClosure() { return config.isAllowHalfClosure(); }

    @Override SockAddr toKernel(SocketAddress address) { return DomainAddresses.toKernel(address); }

    @Override SocketAddress fromKernel(SockAddr address) { return DomainAddresses.fromKernel(address); }

    /**
     * The peer's pid, uid and gid as the kernel recorded them at connect or listen ({@code SO_PEERCRED}), as on
     * {@link Socket2DomainSocketChannel#peerCredentials()}.
     *
     * @throws IOException {@code ENOTCONN} if not connected
     */
    public PeerCredentials peerCredentials() throws IOException {
        return DomainAddresses.credentials(socket.peerCredentials());
    }

    private MsgSlots slots() {
        MsgSlots m = slots;
        if (m == null) slots = m = new MsgSlots(3);
        return m;
    }

    @Override
    void released() {
        super.released();
        if (sentDup >= 0) {
            Sys.closeQuietly(sentDup);
            sentDup = -1;
        }
        MsgSlots m = slots;
        if (m != null) {
            slots = null;
            m.free();
        }
    }

    @Override
    boolean readsDescriptors() { return config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS; }

    // ---------------------------------------------------------------- write

    @Override
    protected Object filterOutboundMessage(Object msg) {
        return msg instanceof FileDescriptor ? msg : super.filterOutboundMessage(msg);
    }

    /**
     * A {@link FileDescriptor} at the head of the flushed messages is sent on its own; byte buffers before it go first
     * (the byte write stops at it) and those after it follow once it is sent.
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        IOException err = fdWriteError;
        if (err != null) {
            fdWriteError = null;
            throw err;
        }
        if (fdWriteInFlight) return;
        if (!(in.current() instanceof FileDescriptor)) super.doWrite(in);
        // a byte write in flight keeps its buffers at the head; with a descriptor there (now, or once the byte write
        // dropped empty buffers before it) nothing else is in flight
        if (in.current() instanceof FileDescriptor d) sendFd(d.intValue());
    }

    private void sendFd(int passed) throws IOException {
        int dup = Sys.fcntl(passed, C.F_DUPFD_CLOEXEC, 0);
        MsgSlots m = slots();
        MemorySegment one = m.name(SEND);
        one.set(JAVA_BYTE, 0, (byte) 0);
        m.setData(SEND, one.address(), 1);
        m.setName(SEND, null);
        m.setControl(SEND, List.of(new ControlMessage.ScmRights(new int[] {dup})));
        long s = registration.sqe(Uring.OP_SENDMSG, fd, m.hdrs.address() + MsgSlots.HDR * SEND, 1, 0, TAG_WRITE);
        registration.ring().sqeOpFlags(s, C.MSG_NOSIGNAL);
        sentDup = dup;
        fdWriteInFlight = true;
    }

    // ---------------------------------------------------------------- unsafe

    @Override
    protected AbstractUnsafe newUnsafe() { return new DomainUnsafe(); }

    private final class DomainUnsafe extends StreamUnsafe {
        @Override
        void armRecv() {
            if (fdRecvArmed) return;   // its completion arms the next read in the mode then in effect
            if (config.getReadMode() == DomainSocketReadMode.BYTES || hasSplices()) {
                super.armRecv();   // splices queued before a switch to FILE_DESCRIPTORS finish first
                return;
            }
            if (!isOpen() || !isActive() || isInputShutdown()) return;
            if (recvInFlight()) {
                stopMultishot();   // the byte read ends first; its completion comes back here
                return;
            }
            MsgSlots m = slots();
            MemorySegment drop = m.control(DROP);
            m.setData(RECV, drop.address(), drop.byteSize());
            m.prepareRecv(RECV);
            // the kernel parses only what it wrote back; a stale header must never read as descriptors
            m.control(RECV).set(JAVA_LONG, 0, 0L);
            long s = registration.sqe(Uring.OP_RECVMSG, fd, m.hdrs.address() + MsgSlots.HDR * RECV, 1, 0, TAG_RECV);
            registration.ring().sqeOpFlags(s, C.MSG_CMSG_CLOEXEC);
            fdRecvArmed = true;
        }

        @Override
        void completeOp(int op, int res, int flags) {
            if (op == TAG_RECV && fdRecvArmed) {
                fdRecvComplete(res);
            } else if (op == TAG_WRITE && fdWriteInFlight) {
                fdWriteComplete(res);
            } else {
                super.completeOp(op, res, flags);
            }
        }

        @SuppressWarnings("deprecation")
        private void fdRecvComplete(int res) {
            fdRecvArmed = false;
            int[] fds = res >= 0 ? slots.takeFds(RECV) : MsgSlots.NO_FDS;
            if (!isOpen()) {
                for (int f : fds) Sys.closeQuietly(f);
                return;
            }
            if (res < 0) {
                int errno = -res;
                if (errno != Errno.ECANCELED && errno != Errno.EAGAIN && errno != Errno.EINTR) {
                    pipeline().fireExceptionCaught(OsError.ofReceive("recvmsg(2)", errno));
                    inputEnded();
                    return;
                }
            } else if (res == 0 && fds.length == 0) {
                inputEnded();
                return;
            } else if (fds.length > 0) {
                RecvByteBufAllocator.Handle h = recvBufAllocHandle();
                h.reset(config);
                h.attemptedBytesRead(1);
                h.lastBytesRead(1);
                h.incMessagesRead(fds.length);
                readPending = false;
                ChannelPipeline p = pipeline();
                for (int i = 0; i < fds.length; i++) {
                    if (isOpen()) {
                        p.fireChannelRead(new NettyFd(Socket.fromFd(fds[i])));
                    } else {
                        Sys.closeQuietly(fds[i]);
                    }
                }
                h.readComplete();
                p.fireChannelReadComplete();
            }
            if (isOpen() && (readPending || config.isAutoRead())) armRecv();
        }

        private void fdWriteComplete(int res) {
            fdWriteInFlight = false;
            Sys.closeQuietly(sentDup);
            sentDup = -1;
            if (!isOpen()) return;
            ChannelOutboundBuffer in = outboundBuffer();
            if (res > 0) {
                if (in != null) in.remove();
            } else if (res < 0) {
                int errno = -res;
                if (errno == Errno.ECANCELED) return;   // deregistered: the next flush sends it again
                if (errno != Errno.EAGAIN && errno != Errno.EINTR) fdWriteError = OsError.of("sendmsg(2)", errno);
            }
            if (in != null && (!in.isEmpty() || fdWriteError != null)) flush0();
        }
    }
}
