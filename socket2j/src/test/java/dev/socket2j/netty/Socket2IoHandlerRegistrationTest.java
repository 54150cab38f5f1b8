package dev.socket2j.netty;

import dev.socket2j.Domain;
import dev.socket2j.Socket;
import dev.socket2j.Type;
import dev.socket2j.internal.C;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancelling a registration of {@link Socket2IoHandler} from another thread: one cancel wins, and a cancel that
 * lands while the loop is inside {@code submit} leaves nothing in the epoll set.
 */
class Socket2IoHandlerRegistrationTest {
    private MultiThreadIoEventLoopGroup group;
    private IoEventLoop loop;
    private Socket[] pair;

    /** A handle on an always-writable socket, with a hook that runs inside the loop's next {@code fd()} call. */
    private static final class TestHandle implements Socket2IoHandle {
        final Socket socket;
        volatile Runnable onFd;
        final AtomicInteger events = new AtomicInteger(), unregistered = new AtomicInteger();

        TestHandle(Socket socket) { this.socket = socket; }

        @Override
        public int fd() {
            Runnable r = onFd;
            if (r != null) {
                onFd = null;
                r.run();
            }
            return socket.rawFd();
        }

        @Override public void handle(IoRegistration registration, IoEvent ioEvent) { events.incrementAndGet(); }

        @Override public void unregistered() { unregistered.incrementAndGet(); }

        @Override public void close() { }
    }

    @BeforeEach
    void setUp() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        loop = (IoEventLoop) group.next();
        pair = Socket.pair(Domain.UNIX, Type.STREAM, null);
    }

    @AfterEach
    void tearDown() throws IOException {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        for (Socket s : pair) s.close();
    }

    /** The descriptors in the epoll set, as the kernel lists them in /proc/self/fdinfo/&lt;epfd&gt;. */
    private static boolean inEpollSet(int epfd, int fd) throws IOException {
        Matcher m = Pattern.compile("^tfd:\\s+(\\d+)\\s", Pattern.MULTILINE)
            .matcher(Files.readString(Path.of("/proc/self/fdinfo/" + epfd)));
        while (m.find()) if (Integer.parseInt(m.group(1)) == fd) return true;
        return false;
    }

    private void drainLoop() throws Exception {
        for (int i = 0; i < 3; i++) loop.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    @Test
    void cancelFromAnotherThreadInsideSubmitLeavesNoDeadIdInTheEpollSet() throws Exception {
        TestHandle h = new TestHandle(pair[0]);
        IoRegistration reg = loop.register(h).get(10, TimeUnit.SECONDS);
        Socket2IoHandler handler = reg.attachment();
        AtomicBoolean cancelled = new AtomicBoolean();
        // runs on the loop thread between submit's check of the registration and its epoll_ctl(ADD)
        h.onFd = () -> {
            Thread t = new Thread(() -> cancelled.set(reg.cancel()));
            t.start();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        reg.submit(Socket2IoOps.of(C.EPOLLOUT));  // from this thread: the loop runs it
        drainLoop();
        assertTrue(cancelled.get(), "the cancel won");
        assertFalse(reg.isValid());
        // an EPOLLOUT-ready descriptor left in the set under a dead id would wake the loop for nothing, forever
        assertFalse(inEpollSet(handler.epollFd(), pair[0].rawFd()), "descriptor left in the epoll set");
        assertEquals(0, h.events.get(), "no event reached a cancelled handle");
        assertEquals(1, h.unregistered.get());
    }

    @Test
    void submitOnTheLoopPutsTheDescriptorInTheSetAndCancelTakesItOut() throws Exception {
        TestHandle h = new TestHandle(pair[0]);
        IoRegistration reg = loop.register(h).get(10, TimeUnit.SECONDS);
        Socket2IoHandler handler = reg.attachment();
        reg.submit(Socket2IoOps.of(C.EPOLLOUT));
        drainLoop();
        assertTrue(inEpollSet(handler.epollFd(), pair[0].rawFd()), "the check itself sees a registered descriptor");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.events.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(h.events.get() > 0, "EPOLLOUT delivered");
        assertTrue(reg.cancel());
        drainLoop();
        assertFalse(inEpollSet(handler.epollFd(), pair[0].rawFd()));
    }

    @Test
    void twoConcurrentCancelsHaveExactlyOneWinner() throws Exception {
        int rounds = 2000;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        CyclicBarrier start = new CyclicBarrier(2);
        int doubleWins = 0, played = 0;
        for (int i = 0; i < rounds && System.nanoTime() < deadline; i++, played++) {
            TestHandle h = new TestHandle(pair[0]);
            IoRegistration reg = loop.register(h).get(10, TimeUnit.SECONDS);
            reg.submit(Socket2IoOps.of(C.EPOLLIN));
            AtomicInteger wins = new AtomicInteger();
            Runnable cancel = () -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                if (reg.cancel()) wins.incrementAndGet();
            };
            Thread a = new Thread(cancel), b = new Thread(cancel);
            a.start();
            b.start();
            a.join(10_000);
            b.join(10_000);
            if (wins.get() != 1) doubleWins++;
            drainLoop();
            assertEquals(1, h.unregistered.get(), "unregistered once, round " + i);
        }
        assertTrue(played > 0);
        assertEquals(0, doubleWins, "rounds where both cancels (or none) reported the win, of " + played);
    }
}
