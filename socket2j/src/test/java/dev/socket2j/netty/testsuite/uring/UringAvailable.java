package dev.socket2j.netty.testsuite.uring;

import dev.socket2j.netty.Socket2Uring;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Skips a test class, with the reason, where the io_uring engine cannot run (see {@link Socket2Uring}). */
public final class UringAvailable implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return Socket2Uring.isAvailable() ? ConditionEvaluationResult.enabled("io_uring is available")
            : ConditionEvaluationResult.disabled("io_uring is not available here: " + Socket2Uring.unavailabilityCause());
    }
}
