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
    void theLoopsWarmupRunsOnItsOwnThreadToTheEnd() throws Exception {
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1, Socket2IoHandler.newFactory());
        try {
            group.submit(() -> { }).sync();
            Warmup.awaitDone();
            assertEquals(null, Warmup.failure, () -> "warm-up stopped: " + Warmup.failure);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }
}
