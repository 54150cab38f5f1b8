package dev.socket2j.netty;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A channel registered just before or after its loop begins to shut down (quiet period 0, so the loop may end in the
 * same turn): it ends closed either way, closed by the handler's shutdown hook while the loop still takes tasks or
 * refused at registration, and Netty never logs "Can't invoke task later as EventLoop rejected it" (it did when
 * {@code destroy()} closed a channel the last turn had registered: its inactive and unregistered events could not be
 * queued).
 */
class Socket2ShutdownQuietTest {
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "uring"})
    void aChannelRegisteredAsTheLoopShutsDownEndsClosedWithoutARejectedTask(String engine) throws Exception {
        boolean uring = engine.equals("uring");
        assumeTrue(!uring || Socket2Uring.isAvailable(), () -> "io_uring unavailable: " + Socket2Uring.unavailabilityCause());
        IoHandlerFactory factory = uring ? Socket2UringIoHandler.newFactory() : Socket2IoHandler.newFactory();
        Logger log = (Logger) LoggerFactory.getLogger("io.netty.channel.AbstractChannel");
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            for (int r = 0; r < 60 && System.nanoTime() < deadline; r++) {
                int round = r;
                EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
                EventLoop loop = group.next();
                loop.submit(() -> { }).sync();
                Channel ch = uring ? new Socket2UringSocketChannel() : new Socket2SocketChannel();
                if (round % 2 == 0) group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                ChannelFuture reg = loop.register(ch);
                if (round % 2 == 1) group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                assertTrue(group.terminationFuture().await(10, TimeUnit.SECONDS), "the loop terminates");
                assertTrue(reg.await(10, TimeUnit.SECONDS), "the registration is decided");
                assertTrue(ch.closeFuture().await(10, TimeUnit.SECONDS), () -> "round " + round + ": channel not closed");
                assertFalse(ch.isOpen());
            }
        } finally {
            log.detachAppender(seen);
        }
        List<String> rejected = seen.list.stream().map(ILoggingEvent::getFormattedMessage)
            .filter(m -> m.contains("rejected it")).toList();
        assertEquals(List.of(), rejected, "warnings of tasks the shut-down loop rejected");
    }
}
