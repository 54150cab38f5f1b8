package dev.socket2j.netty;

import dev.socket2j.ControlMessage;
import dev.socket2j.Domain;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Errors;
import dev.socket2j.internal.Errors.Call;
import dev.socket2j.internal.Sys;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.FileRegion;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.ServerDomainSocketChannel;
import io.netty.util.internal.StringUtil;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A Unix stream socket on socket2j's epoll loop: Netty's {@link DomainSocketChannel} (pathname addresses, and
 * abstract ones written {@code "\0name"}), usable wherever {@code EpollDomainSocketChannel} is.
 *
 * <p>In {@link DomainSocketReadMode#FILE_DESCRIPTORS} mode the channel reads descriptors passed with
 * {@code SCM_RIGHTS} and fires each as a {@link FileDescriptor} the handler owns (its {@code close()} closes the
 * descriptor); bytes that come with them are dropped. Writing a {@link FileDescriptor} sends it, with one byte of
 * data, as Netty's epoll transport does; the caller keeps its own descriptor. A descriptor waiting in the outbound
 * buffer goes out when it reaches the head: write it in a flush of its own, not between byte buffers.
 */
public final class Socket2DomainSocketChannel extends AbstractSocket2StreamChannel implements DomainSocketChannel {
    private final Socket2DomainSocketChannelConfig config;
    private MsgSlots fdSlots;

    /** A new, unconnected Unix stream socket. */
    public Socket2DomainSocketChannel() { this(null, newUnix(C.SOCK_STREAM), false); }

    /** Adopts an open Unix stream socket descriptor (connected or not, e.g. one end of a socketpair). */
    public Socket2DomainSocketChannel(int fd) { this(null, nonBlocking(Socket.fromFd(fd)), Sockets.isConnected(fd)); }

    Socket2DomainSocketChannel(Channel parent, Socket socket, boolean active) {
        super(parent, socket, false, active);  // which reads the addresses of an adopted connected socket
        this.config = new Socket2DomainSocketChannelConfig(this);
    }

    static Socket newUnix(int type) {
        try {
            return Socket.open(Domain.UNIX, new Type(type | C.SOCK_NONBLOCK));
        } catch (IOException e) {
            throw new ChannelException("cannot open a Unix socket", e);
        }
    }

    @Override public Socket2DomainSocketChannelConfig config() { return config; }

    @Override public ServerDomainSocketChannel parent() { return (ServerDomainSocketChannel) super.parent(); }

    @Override public DomainSocketAddress localAddress() { return (DomainSocketAddress) super.localAddress(); }

    @Override public DomainSocketAddress remoteAddress() { return (DomainSocketAddress) super.remoteAddress(); }

    @Override boolean allowHalfClosure() { return config.isAllowHalfClosure(); }

    /**
     * The peer's pid, uid and gid as the kernel recorded them at connect or listen ({@code SO_PEERCRED}); Netty's
     * type, whose constructor is package-private, is made by reflection (see {@code socket().peerCredentials()} for
     * socket2j's own).
     *
     * @throws IOException {@code ENOTCONN} if not connected
     */
    public PeerCredentials peerCredentials() throws IOException {
        return DomainAddresses.credentials(socket.peerCredentials());
    }

    @Override
    void resetCachedAddresses() {
        try { local = DomainAddresses.fromKernel(socket.localAddr()); } catch (IOException e) { local = null; }
        try {
            DomainSocketAddress p = DomainAddresses.fromKernel(socket.peerAddr());
            if (p != null) remote = p;
        } catch (IOException e) { /* keep the requested one */ }
    }

    /** An accepted Unix socket's own name is always its listener's: no syscall needed for either address. */
    @Override
    void acceptedFrom(SockAddr peer) {
        remote = DomainAddresses.fromKernel(peer);
        local = parent().localAddress();
    }

    @Override
    boolean readsDescriptors() { return config.getReadMode() == DomainSocketReadMode.FILE_DESCRIPTORS; }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(DomainAddresses.toKernel(localAddress));
        local = DomainAddresses.fromKernel(socket.localAddr());
    }

    @Override
    boolean doConnect0(SocketAddress remoteAddress) throws Exception {
        LoopScratch s = scratch();
        int len = DomainAddresses.toKernel(remoteAddress).copyTo(s.addr);
        int rc = Sys.connectNb(s.capture, fd, s.addr, len);
        if (rc == 0) return true;
        if (rc == -Errno.EINPROGRESS || rc == -Errno.EAGAIN) {   // a full listen backlog is EAGAIN on AF_UNIX
            setFlag(C.EPOLLOUT);
            return false;
        }
        throw OsError.ofConnect("connect(2)", -rc);
    }

    // ---------------------------------------------------------------- descriptors

    private MsgSlots fdSlots() {
        MsgSlots m = fdSlots;
        if (m == null) fdSlots = m = new MsgSlots(1);
        return m;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf || msg instanceof FileRegion || msg instanceof FileDescriptor
            || msg instanceof Splice.Out) return msg;
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
            + " (expected: ByteBuf, FileRegion, FileDescriptor)");
    }

    /** A {@link FileDescriptor} anywhere in the flush, before, between or after buffers, in its order. */
    @Override
    int writeOther(ChannelOutboundBuffer in, Object msg) throws Exception {
        if (!(msg instanceof FileDescriptor d)) return super.writeOther(in, msg);
        if (!sendFd(d.intValue())) return SNDBUF_FULL;
        in.remove();
        return 1;
    }

    /** sendmsg(2) of one byte with the descriptor in SCM_RIGHTS: true if sent, false for EAGAIN. */
    private boolean sendFd(int passed) throws IOException {
        LoopScratch s = scratch();
        MsgSlots m = fdSlots();
        s.copy.set(JAVA_BYTE, 0, (byte) 0);
        m.setData(0, s.copy.address(), 1);
        m.setName(0, null);
        m.setControl(0, List.of(new ControlMessage.ScmRights(new int[] {passed})));
        return Errors.ioResult(Call.SENDMSG, Sys.sendmsgNb(s.capture, fd, m.hdrs, C.MSG_NOSIGNAL)) != Errors.AGAIN;
    }

    /** What {@link #recvFds()} returns for EAGAIN: compared by identity, as a read of plain bytes is empty too. */
    private static final int[] AGAIN = new int[0];
    /**
     * Bytes are dropped in FILE_DESCRIPTORS mode, so each recvmsg(2) takes up to this many: a peer that writes
     * plain bytes costs one call per chunk, not one wakeup per byte. The kernel still ends a read at the message
     * that carries descriptors, so none are merged or lost.
     */
    private static final int DROPPED_BYTES_PER_READ = 4096;

    /**
     * recvmsg(2) of some bytes and the descriptors that came with them: the descriptors (empty when only bytes
     * came), {@link #AGAIN} for EAGAIN, {@code null} at end of stream.
     */
    private int[] recvFds() throws IOException {
        LoopScratch s = scratch();
        MsgSlots m = fdSlots();
        m.setData(0, s.copy.address(), DROPPED_BYTES_PER_READ);
        m.prepareRecv(0);
        long n = Errors.ioResult(Call.RECVMSG, Sys.recvmsgNb(s.capture, fd, m.hdrs, C.MSG_CMSG_CLOEXEC));
        if (n == Errors.AGAIN) return AGAIN;
        int[] fds = m.takeFds(0);
        return n == 0 && fds.length == 0 ? null : fds;
    }

    @Override
    protected StreamUnsafe newUnsafe() {
        return new StreamUnsafe() {
            @Override
            void epollInReady() {
                if (config.getReadMode() == DomainSocketReadMode.BYTES || hasSplices()) {
                    super.epollInReady();   // splices queued before a switch to FILE_DESCRIPTORS finish first
                } else {
                    readFds();
                }
            }

            private void readFds() {
                ChannelConfig cfg = config();
                if (isInputShutdown()) {
                    clearFlag(C.EPOLLIN);
                    return;
                }
                var h = recvBufAllocHandle();
                ChannelPipeline pipeline = pipeline();
                h.reset(cfg);
                boolean eof = false;
                try {
                    do {
                        int[] fds = recvFds();
                        if (fds == null) {
                            eof = true;
                            readPending = false;
                            break;
                        }
                        if (fds == AGAIN) break;
                        // each recvmsg counts as one message, so maxMessagesPerRead bounds the work per wakeup
                        h.attemptedBytesRead(1);
                        h.lastBytesRead(1);
                        h.incMessagesRead(1);
                        if (fds.length == 0) continue;  // plain bytes only: dropped, read on
                        readPending = false;
                        for (int f : fds) pipeline.fireChannelRead(new NettyFd(Socket.fromFd(f)));
                        if (!isOpen()) break;
                    } while (h.continueReading());
                    h.readComplete();
                    pipeline.fireChannelReadComplete();
                    if (eof) shutdownInput(true);
                } catch (Throwable t) {
                    h.readComplete();
                    pipeline.fireChannelReadComplete();
                    pipeline.fireExceptionCaught(t);
                    shutdownInput(true);
                } finally {
                    if (shouldStopReading(cfg)) clearFlag(C.EPOLLIN);
                }
            }
        };
    }

}
