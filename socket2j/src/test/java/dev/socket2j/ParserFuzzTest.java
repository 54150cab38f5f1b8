package dev.socket2j;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jazzer fuzz tests of the parsers of what the kernel returns: control buffers ({@link ControlMessage#parse}) and
 * socket addresses ({@link SockAddr#fromBytes} and its accessors). The only exception allowed is the documented
 * {@link IllegalArgumentException} of the entry points; anything else (an out-of-bounds read, another runtime
 * exception) or a hang is a finding.
 *
 * <p>{@code mvn test} runs them in regression mode: the seed corpus under
 * {@code src/test/resources/dev/socket2j/ParserFuzzTestInputs/<method>/} plus an empty input. To fuzz (each method
 * for its {@code maxDuration}):
 * {@code JAZZER_FUZZ=1 mvn -B test -Dtest=ParserFuzzTest}.
 */
class ParserFuzzTest {

    @FuzzTest(maxDuration = "5m")
    void controlMessages(byte[] input) {
        List<ControlMessage> parsed;
        try {
            parsed = ControlMessage.parse(input);
        } catch (IllegalArgumentException e) {
            return;  // documented: a malformed cmsghdr
        }
        int space = 0;
        for (ControlMessage m : parsed) {
            m.toString();
            m.hashCode();
            space += m.space();
        }
        // what parsed re-encodes to bytes that parse to the same messages
        byte[] again = ControlMessage.encode(parsed.toArray(ControlMessage[]::new));
        assertEquals(space, again.length);
        assertEquals(parsed, ControlMessage.parse(again));
    }

    @FuzzTest(maxDuration = "5m")
    void sockAddr(byte[] input) {
        if (input.length == 0) return;
        int len = input[0] & 0xFF;
        byte[] storage = java.util.Arrays.copyOfRange(input, 1, input.length);
        SockAddr a;
        try {
            a = SockAddr.fromBytes(storage, len);
        } catch (IllegalArgumentException e) {
            return;  // documented: a length outside 0..128 or past the array
        }
        assertEquals(len, a.len());
        a.family();
        a.domain();
        a.isIpv4();
        a.isIpv6();
        a.isUnix();
        a.isUnnamed();
        a.asSocket();
        a.asSocketIpv4();
        a.asSocketIpv6();
        a.flowinfo();
        a.scopeId();
        a.asVsockAddress();
        a.asPathname();
        a.asAbstractNamespace();
        a.asUnix();
        a.asSocketAddress();
        a.toString();
        assertEquals(a, SockAddr.fromBytes(a.toBytes(), a.len()));
        assertEquals(a.hashCode(), SockAddr.fromBytes(a.toBytes(), a.len()).hashCode());
    }
}
