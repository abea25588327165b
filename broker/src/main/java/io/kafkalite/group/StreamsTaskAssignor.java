package io.kafkalite.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The streams groups' {@code sticky} task assignor, following Apache Kafka 4.2's StickyTaskAssignor: active tasks stay
 * with their previous member while it is under its fair share, then go to a member that had them as standby, then to
 * the least loaded process (a process is one Streams instance; its load is its tasks per member). Standby tasks of
 * stateful subtopologies never land on a process that has the same task, preferring the task's previous hosts. Kafka
 * 4.2 assigns no warm-up tasks, and neither does this.
 */
final class StreamsTaskAssignor {

    static final String NAME = "sticky";

    private StreamsTaskAssignor() {
    }

    /** A member as the assignor sees it: its process and what it had in the previous target assignment. */
    record MemberSpec(String processId, Set<StreamsTaskId> active, Set<StreamsTaskId> standby) {
    }

    /** One member's new target. */
    record MemberTarget(Set<StreamsTaskId> active, Set<StreamsTaskId> standby) {
    }

    /**
     * @param tasksPerSubtopology how many tasks (input partitions) each subtopology has
     * @param stateful subtopologies with state stores (only they get standby tasks)
     */
    static Map<String, MemberTarget> assign(SortedMap<String, MemberSpec> members,
                                            SortedMap<String, Integer> tasksPerSubtopology, Set<String> stateful,
                                            int standbyReplicas) {
        Map<String, MemberTarget> result = new TreeMap<>();
        members.keySet().forEach(m -> result.put(m, new MemberTarget(new TreeSet<>(), new TreeSet<>())));
        if (members.isEmpty()) {
            return result;
        }
        Map<String, List<String>> membersByProcess = new TreeMap<>();
        members.forEach((id, spec) -> membersByProcess.computeIfAbsent(spec.processId(), p -> new ArrayList<>()).add(id));

        List<StreamsTaskId> active = new ArrayList<>();
        tasksPerSubtopology.forEach((s, n) -> {
            for (int p = 0; p < n; p++) {
                active.add(new StreamsTaskId(s, p));
            }
        });
        int activeQuota = (active.size() + members.size() - 1) / members.size();
        Map<StreamsTaskId, String> previousActive = new HashMap<>();
        Map<StreamsTaskId, List<String>> previousStandby = new HashMap<>();
        members.forEach((id, spec) -> {
            spec.active().forEach(t -> previousActive.put(t, id));
            spec.standby().forEach(t -> previousStandby.computeIfAbsent(t, x -> new ArrayList<>()).add(id));
        });

        // 1. sticky: back to the member that had the task active
        active.sort(Comparator.comparingInt(StreamsTaskId::partition).thenComparing(StreamsTaskId::subtopologyId));
        List<StreamsTaskId> remaining = new ArrayList<>();
        for (StreamsTaskId task : active) {
            String previous = previousActive.get(task);
            if (previous != null && result.get(previous).active().size() < activeQuota) {
                result.get(previous).active().add(task);
            } else {
                remaining.add(task);
            }
        }
        // 2. to a member that had it as standby (its state is warm there)
        List<StreamsTaskId> unassigned = new ArrayList<>();
        for (StreamsTaskId task : remaining) {
            String standby = previousStandby.getOrDefault(task, List.of()).stream()
                    .filter(m -> result.get(m).active().size() < activeQuota)
                    .min(Comparator.<String>comparingInt(m -> result.get(m).active().size()).thenComparing(m -> m))
                    .orElse(null);
            if (standby != null) {
                result.get(standby).active().add(task);
            } else {
                unassigned.add(task);
            }
        }
        // 3. the rest to the least loaded process, range-like by subtopology
        unassigned.sort(Comparator.comparing(StreamsTaskId::subtopologyId).thenComparingInt(StreamsTaskId::partition));
        for (StreamsTaskId task : unassigned) {
            leastLoadedMember(membersByProcess, result, null).active().add(task);
        }

        if (standbyReplicas > 0) {
            for (StreamsTaskId task : active) {
                if (!stateful.contains(task.subtopologyId())) {
                    continue;
                }
                for (int replica = 0; replica < standbyReplicas; replica++) {
                    String preferred = previousStandby.getOrDefault(task, List.of()).stream()
                            .filter(m -> !processHas(members.get(m).processId(), task, membersByProcess, result))
                            .findFirst().orElse(null);
                    MemberTarget target = preferred != null ? result.get(preferred)
                            : leastLoadedMember(membersByProcess, result, task);
                    if (target == null) {
                        break; // not enough processes for that many standbys: Kafka logs and goes on
                    }
                    target.standby().add(task);
                }
            }
        }
        return result;
    }

    private static boolean processHas(String processId, StreamsTaskId task, Map<String, List<String>> membersByProcess,
                                      Map<String, MemberTarget> result) {
        for (String member : membersByProcess.get(processId)) {
            MemberTarget target = result.get(member);
            if (target.active().contains(task) || target.standby().contains(task)) {
                return true;
            }
        }
        return false;
    }

    /** The least loaded member of the least loaded process (not one that has {@code without}); null if none. */
    private static MemberTarget leastLoadedMember(Map<String, List<String>> membersByProcess,
                                                  Map<String, MemberTarget> result, StreamsTaskId without) {
        String bestProcess = null;
        double bestLoad = Double.MAX_VALUE;
        for (Map.Entry<String, List<String>> process : membersByProcess.entrySet()) {
            if (without != null && processHas(process.getKey(), without, membersByProcess, result)) {
                continue;
            }
            int tasks = 0;
            for (String member : process.getValue()) {
                tasks += result.get(member).active().size() + result.get(member).standby().size();
            }
            double load = (double) tasks / process.getValue().size();
            if (load < bestLoad) {
                bestLoad = load;
                bestProcess = process.getKey();
            }
        }
        if (bestProcess == null) {
            return null;
        }
        return membersByProcess.get(bestProcess).stream().map(result::get)
                .min(Comparator.comparingInt(t -> t.active().size() + t.standby().size()))
                .orElseThrow();
    }
}
