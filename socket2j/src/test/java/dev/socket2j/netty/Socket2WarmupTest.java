package dev.socket2j.netty;

import dev.socket2j.internal.Epoll;
import dev.socket2j.internal.Sys;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up of the epoll loop reaches its end: it swallows failures in production (a cold path only stays
 * cold), so without this test a step that throws silently skips every step after it. It once did: listen(2) on an
 * unbound Unix socket is EINVAL, and the accept path was never warmed.
 */
class Socket2WarmupTest {
    @Test
    void everyStepRunsAndNoDescriptorIsLeft() throws Exception {
        LoopScratch s = new LoopScratch(16);
        int epfd = Epoll.create();
        try {
            long before = openFds();
            assertDoesNotThrow(() -> Warmup.run(s, epfd));
            assertEquals(before, openFds(), "descriptors left open by the warm-up");
        } finally {
            Sys.close(epfd);
            s.free();
        }
    }

    @Test
    void theLoopsWarmupRanWithoutFailure() throws Exception {
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        try {
            group.submit(() -> { }).sync();
            Warmup.awaitDone();
            assertEquals(null, Warmup.failure, () -> "warm-up stopped: " + Warmup.failure);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void theWarmupRunsOffTheThreadThatBuildsTheLoop() throws Exception {
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        try {
            Thread t = Warmup.thread();
            assertNotNull(t, "building an epoll loop started no warm-up thread");
            assertNotSame(Thread.currentThread(), t);
            assertEquals("socket2j-warmup", t.getName());
            assertTrue(t.isDaemon(), "the warm-up thread would keep the JVM alive");
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aWarmupRacingALoopShutdownLeavesNoDescriptorAndNoFailure() throws Exception {
        Warmup.awaitDone();  // the process's own warm-up is not part of this count
        long before = openFds();
        for (int i = 0; i < 5; i++) {
            var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
            Thread t = Warmup.start();
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            t.join(10_000);
            assertFalse(t.isAlive(), "the warm-up did not end within 10 s");
            assertEquals(null, Warmup.failure, () -> "warm-up stopped: " + Warmup.failure);
        }
        assertEquals(before, openFds(), "descriptors left open by warm-ups that raced a loop shutdown");
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
