package io.kafkalite.examples.game;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps each player's last 20 logins and trades in memory and flags a trade that is far larger than the
 * player's usual amount or comes from an IP address none of the last 20 logins used.
 */
public final class FraudDetector {

    static final int HISTORY = 20;
    /** A trade this many times the player's average is suspicious. */
    static final int LARGE_FACTOR = 10;
    /** The average means little before this many trades. */
    static final int MIN_TRADES_FOR_AVERAGE = 3;

    private final Map<String, PlayerHistory> players = new HashMap<>();

    /** Returns the reason a trade is suspicious, or empty; logins and normal trades update the history. */
    public Optional<String> onEvent(String playerId, GameEvent event) {
        PlayerHistory history = players.computeIfAbsent(playerId, id -> new PlayerHistory());
        if (event.type() == GameEvent.Type.LOGIN) {
            history.remember(history.logins, event.ip());
            return Optional.empty();
        }
        Optional<String> reason = Optional.empty();
        if (!history.logins.contains(event.ip())) {
            reason = Optional.of("trade from " + event.ip() + ", not among the last " + HISTORY + " login addresses");
        } else if (history.trades.size() >= MIN_TRADES_FOR_AVERAGE
                && event.amount() > LARGE_FACTOR * history.averageTrade()) {
            reason = Optional.of("trade of " + event.amount() + " is over " + LARGE_FACTOR + " times the average of "
                    + Math.round(history.averageTrade()));
        }
        history.remember(history.trades, event.amount());
        return reason;
    }

    private static final class PlayerHistory {
        final Deque<String> logins = new ArrayDeque<>();
        final Deque<Long> trades = new ArrayDeque<>();

        <T> void remember(Deque<T> events, T event) {
            if (events.size() == HISTORY) {
                events.removeFirst();
            }
            events.addLast(event);
        }

        double averageTrade() {
            return trades.stream().mapToLong(Long::longValue).average().orElse(0);
        }
    }
}
