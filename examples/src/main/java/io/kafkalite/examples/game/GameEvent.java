package io.kafkalite.examples.game;

/**
 * What a game server publishes, keyed by player id: a login from an IP address, or a trade of an amount of
 * in-game currency made from an IP address. Encoded as {@code LOGIN|ip} or {@code TRADE|ip|amount}.
 */
public record GameEvent(Type type, String ip, long amount) {

    public enum Type { LOGIN, TRADE }

    public static GameEvent login(String ip) {
        return new GameEvent(Type.LOGIN, ip, 0);
    }

    public static GameEvent trade(String ip, long amount) {
        return new GameEvent(Type.TRADE, ip, amount);
    }

    public String encode() {
        return type == Type.LOGIN ? "LOGIN|" + ip : "TRADE|" + ip + "|" + amount;
    }

    public static GameEvent decode(String text) {
        String[] parts = text.split("\\|");
        return switch (parts[0]) {
            case "LOGIN" -> login(parts[1]);
            case "TRADE" -> trade(parts[1], Long.parseLong(parts[2]));
            default -> throw new IllegalArgumentException("not a game event: " + text);
        };
    }
}
