package io.kafkalite.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The main class of a client JVM: {@code ClientMain WORKLOAD bootstrap=H:P brokerPid=N [param=value]...}. Runs
 * one {@link ClientWorkload} and prints {@code result key=value...}; exits non-zero (no result line) on failure.
 */
public final class ClientMain {

    private ClientMain() {
    }

    public static void main(String[] args) {
        long mainStart = System.nanoTime();
        ChildJvm.exitWithParent();
        try {
            ClientWorkload workload = ClientWorkload.valueOf(args[0]);
            Map<String, String> params = ChildJvm.fields(String.join(" ", Arrays.copyOfRange(args, 1, args.length)));
            Map<String, Double> results = workload.run(new WorkloadContext(mainStart, params));
            System.out.println(resultLine(results));
            System.out.flush();
            System.exit(0); // a client of a failed broker may leave non-daemon threads
        } catch (Throwable e) {
            e.printStackTrace();
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            System.err.println("workload failed: " + cause);
            System.exit(1);
        }
    }

    static String resultLine(Map<String, Double> results) {
        return "result " + results.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%s=%.6f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(" "));
    }
}
