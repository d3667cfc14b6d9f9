package dev.dockstep.check;

/** A user name and secret for one registry. {@link #toString} never shows the secret. */
public record Credentials(String username, String secret) {
    @Override
    public String toString() {
        return "Credentials[" + username + ", secret hidden]";
    }
}
