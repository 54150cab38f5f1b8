package dev.socket2j;

/**
 * What a receive call returns beyond the data itself.
 *
 * @param bytes the number of bytes written into the buffers (for a truncated datagram, what fitted)
 * @param flags the {@code msg_flags} the kernel returned ({@code recvmsg}-based calls; 0 for {@code recvfrom})
 * @param address the sender, for the {@code *From} calls; {@code null} for calls that do not ask for it
 */
public record Received(long bytes, RecvFlags flags, SockAddr address) {}
