package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.OsError;
import dev.socket2j.SockAddr;
import dev.socket2j.Shutdown;
import dev.socket2j.SockOpt;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Errno;
import dev.socket2j.internal.Layouts;
import dev.socket2j.internal.Sys;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Runs, once per process, on a thread of its own started by the first epoll loop, the calls that a server otherwise
 * makes for the first time only at its first EAGAIN, end of stream, close or error: each downcall's invoker is
 * linked, the error tables and exception classes are loaded, the cleaner's unregister path has run. Done later, that
 * work happens in the middle of traffic and throws compiled hot loops back to the interpreter (class loading
 * invalidates what the compiler assumed about a class hierarchy). It is off the caller's thread so that a server's
 * bind and listen do not wait for it (about 100 ms of a cold JVM); it is done long before the JIT has compiled any
 * loop. The calls go to a throwaway epoll instance, socket pair and listener, with scratch memory of its own: the
 * loop's own are the loop's alone.
 */
final class Warmup {
    private Warmup() {}

    /** The process's warm-up thread, once the first loop has started it. */
    private static Thread thread;
    /** What stopped the warm-up part way, or null: read by tests (production ignores it). */
    static volatile Throwable failure;

    /** Once per process: starts the warm-up thread; never fails the caller (a missing feature only leaves that path cold). */
    static void once() {
        synchronized (Warmup.class) {
            if (thread == null) thread = start();
        }
    }

    /** Starts a warm-up on a new daemon thread and returns it (unstarted if no thread could be had). */
    static Thread start() {
        Thread t = new Thread(new Runner(), "socket2j-warmup");
        t.setDaemon(true);
        try {
            t.start();
        } catch (Throwable e) {  // no thread to be had (OutOfMemoryError): the cold paths stay cold
            failure = e;
        }
        return t;
    }

    /** The thread {@link #once} started, or null before the first loop: for tests. */
    static synchronized Thread thread() { return thread; }

    /** Waits for the warm-up thread started by {@link #once}, if any: for tests. */
    static void awaitDone() throws InterruptedException {
        Thread t = thread();
        if (t != null) t.join();
    }

    /** A named class, not a lambda: a lambda spins a class at run time, which is what this thread exists to avoid. */
    private static final class Runner implements Runnable {
        @Override public void run() {
            LoopScratch s = null;
            int ep = -1;
            try {
                s = new LoopScratch(1);
                ep = Epoll.create();
                Warmup.run(s, ep);
            } catch (Throwable t) {
                failure = t;  // cold paths stay cold: nothing else depends on this
            } finally {
                if (ep >= 0) Sys.closeQuietly(ep);
                if (s != null) s.free();
            }
        }
    }

    static void run(LoopScratch s, int epfd) throws Exception {
        MemorySegment cs = s.capture, buf = s.copy;
        Socket[] pair = Socket.pair(Domain.UNIX, new Type(C.SOCK_STREAM | C.SOCK_NONBLOCK), null);
        try {
            int a = pair[0].rawFd(), b = pair[1].rawFd();
            // interest changes, as a channel makes them
            Epoll.ctl(cs, epfd, C.EPOLL_CTL_ADD, a, C.EPOLLIN | C.EPOLLRDHUP, Long.MAX_VALUE, s.ctlEvent);
            Epoll.ctl(cs, epfd, C.EPOLL_CTL_MOD, a, C.EPOLLIN | C.EPOLLOUT, Long.MAX_VALUE, s.ctlEvent);
            Epoll.ctl(cs, epfd, C.EPOLL_CTL_DEL, a, 0, Long.MAX_VALUE, MemorySegment.NULL);
            // EAGAIN on each read and write of the direct-buffer paths (the heap-buffer shape, Sys.readNb and its
            // kin, links at its first use: a server on Netty's direct buffers never needs it)
            Sys.readAddrNb(cs, a, buf.address(), 1);
            Sys.recvAddrNb(cs, a, buf.address(), 1, 0);
            s.iov.set(JAVA_LONG, Layouts.IOV_BASE, buf.address());
            s.iov.set(JAVA_LONG, Layouts.IOV_LEN, 1);
            Sys.readvNb(cs, a, s.iov, 1);
            // data through each write shape, then end of stream
            Sys.writeAddrNb(cs, b, buf.address(), 1);
            Sys.sendAddrNb(cs, b, buf.address(), 1, C.MSG_NOSIGNAL);
            Sys.writevNb(cs, b, s.iov, 1);
            Sys.recvAddrNb(cs, a, buf.address(), 4, 0);
            pair[1].shutdown(Shutdown.WRITE);
            Sys.recvAddrNb(cs, a, buf.address(), 1, 0);
            Sys.sendAddrNb(cs, b, buf.address(), 1, C.MSG_NOSIGNAL);  // EPIPE
            pair[0].getOption(SockOpt.SO_ERROR);
            // what a failed read, write or accept throws, and what end of stream fires
            OsError.ofReceive("recv(2)", Errno.ECONNRESET);
            OsError.of("write(2)", Errno.EPIPE);
            OsError.ofReceive("accept4(2)", Errno.EMFILE);
            OsError.ofConnect("connect(2)", Errno.ECONNREFUSED);
            Object[] loaded = { new ClosedChannelException(), ChannelInputShutdownEvent.INSTANCE,
                ChannelInputShutdownReadComplete.INSTANCE };
        } finally {
            pair[0].close();
            pair[1].close();
        }
        // a real accept over TCP loopback: EAGAIN first, then a child whose peer and local addresses are decoded as a
        // listening channel decodes them (the first accept of a server otherwise links and loads all of this)
        try (Socket listener = Socket.open(Domain.IPV4, new Type(C.SOCK_STREAM | C.SOCK_NONBLOCK));
             Socket client = Socket.open(Domain.IPV4, new Type(C.SOCK_STREAM))) {
            listener.bind(SockAddr.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
            listener.listen(1);
            s.addrLen.set(JAVA_INT, 0, (int) Layouts.SOCKADDR_STORAGE_SIZE);
            Sys.accept4Nb(cs, listener.rawFd(), s.addr, s.addrLen, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);  // EAGAIN
            client.connect(listener.localAddr());  // loopback: the handshake is done when connect(2) returns
            s.addrLen.set(JAVA_INT, 0, (int) Layouts.SOCKADDR_STORAGE_SIZE);
            int child = Sys.accept4Nb(cs, listener.rawFd(), s.addr, s.addrLen, C.SOCK_NONBLOCK | C.SOCK_CLOEXEC);
            if (child < 0) throw OsError.of("accept4(2)", -child);
            try (Socket accepted = Socket.fromFd(child)) {
                Addresses.fromKernel(SockAddr.fromSegment(s.addr, s.addrLen.get(JAVA_INT, 0)));
                Addresses.fromKernel(accepted.localAddr());
                accepted.setOption(SockOpt.TCP_NODELAY, true);
            }
        }
    }
}
