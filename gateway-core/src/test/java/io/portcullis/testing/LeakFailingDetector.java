package io.portcullis.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A Netty leak detector that remembers every leak it reports, so {@link LeakCheckExtension} can
 * fail the test class that leaked instead of leaving a log line nobody reads. Installed for all
 * tests by surefire's {@code -Dio.netty.customResourceLeakDetector=io.portcullis.testing.LeakFailingDetector}
 * (together with {@code -Dio.netty.leakDetection.level=paranoid}).
 */
public final class LeakFailingDetector<T> extends ResourceLeakDetector<T> {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    /** The constructor Netty's factory calls for detectors with a maxActive limit (deprecated in Netty). */
    @SuppressWarnings("deprecation")
    public LeakFailingDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public LeakFailingDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** The leaks reported so far (resource type and access records), oldest first. */
    public static List<String> leaks() {
        return List.copyOf(LEAKS);
    }

    public static void clear() {
        LEAKS.clear();
    }

    /** Always report, even when Netty's logger has ERROR disabled: the list must not depend on logging. */
    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
        super.reportTracedLeak(resourceType, records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                + " (no access records; run at -Dio.netty.leakDetection.level=paranoid to see them).");
        super.reportUntracedLeak(resourceType);
    }
}
