package dev.socket2j.proxy;

/** A command-line mistake: the message is printed as it is, and the program exits with status 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) { super(message); }
}
