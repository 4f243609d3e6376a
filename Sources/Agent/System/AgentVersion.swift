/// The agent's version, reported in birth messages and `--version`.
public enum AgentVersion {
    public static let current = "0.1.0"
}
