/**
 * socket2j: the socket API of Rust's socket2 crate for Java, through the Foreign Function &amp; Memory API,
 * and a Netty 4.2 transport built on it.
 *
 * <p>The core package {@code dev.socket2j} names no Netty type, so the Netty modules are {@code static}: a program
 * that uses only the core runs without them on its class or module path. A program that uses
 * {@code dev.socket2j.netty} requires the Netty modules itself, as it names their types anyway.
 */
module dev.socket2j {
    requires static io.netty.common;
    requires static io.netty.buffer;
    requires static io.netty.transport;
    requires static io.netty.transport.unix.common;

    exports dev.socket2j;
    exports dev.socket2j.netty;
}
