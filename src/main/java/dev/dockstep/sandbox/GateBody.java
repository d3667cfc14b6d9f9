package dev.dockstep.sandbox;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON bodies the gate must read before it can decide: container create, start and update,
 * exec create, volume create and registry login. Each rule answers with the one line that names
 * the CLI flag it refuses, or nothing.
 *
 * <p>The daemon decodes with Go's {@code encoding/json}, and the rules read as it does: field
 * names match without regard to case (plus Go's two non-ASCII folds, the Kelvin sign and the long
 * s), and a body that names one field twice in any spelling is refused, because Go keeps the last
 * and a careless reader the first. A container's HostConfig is also read from the top level of the
 * create body, where the daemon still takes it from when no {@code HostConfig} object is sent.
 */
final class GateBody {
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /**
     * What can name a volume (Docker also wants two characters, and says so itself); anything else in
     * a -v source is, or could be, a path on the host.
     */
    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Set<String> LOG_DRIVERS = Set.of("", "json-file", "local", "none");
    private static final Map<String, String> HOST_MODES = Map.of(
            "PidMode", "--pid=host", "IpcMode", "--ipc=host", "NetworkMode", "--network=host",
            "UsernsMode", "--userns=host", "UTSMode", "--uts=host", "CgroupnsMode", "--cgroupns=host");
    private static final String HOST_PATH = "-v/--mount of a host path";
    private static final String USE_A_VOLUME = "; use a named volume, e.g. -v data:/data";

    private GateBody() {
    }

    /** {@code POST /containers/create}: the HostConfig inside, and the one the daemon reads from the top level. */
    static Optional<String> containerCreate(byte[] body) throws GateError {
        Optional<ObjectNode> root = object(body);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> topLevel = hostConfig(root.get(), "");
        if (topLevel.isPresent()) {
            return topLevel;
        }
        JsonNode inner = field(root.get(), "HostConfig");
        return inner == null || inner.isNull() ? Optional.empty() : hostConfig(asObject(inner, "HostConfig"), "HostConfig.");
    }

    /** {@code POST /containers/{id}/start}: old API versions took a HostConfig here. */
    static Optional<String> containerStart(byte[] body) throws GateError {
        Optional<ObjectNode> root = object(body);
        return root.isEmpty() ? Optional.empty() : hostConfig(root.get(), "");
    }

    /** {@code POST /containers/{id}/update}: resources, which include devices and the cgroup parent. */
    static Optional<String> containerUpdate(byte[] body) throws GateError {
        return containerStart(body);
    }

    /** {@code POST /containers/{id}/exec}. */
    static Optional<String> execCreate(byte[] body) throws GateError {
        Optional<ObjectNode> root = object(body);
        if (root.isPresent() && flag(root.get(), "Privileged", "")) {
            return refuse("docker exec --privileged");
        }
        return Optional.empty();
    }

    /** {@code POST /volumes/create}: the local driver's options can bind any host folder. */
    static Optional<String> volumeCreate(byte[] body) throws GateError {
        Optional<ObjectNode> root = object(body);
        if (root.isEmpty()) {
            return Optional.empty();
        }
        String driver = text(root.get(), "Driver", "").orElse("");
        if (!driver.isEmpty() && !driver.equals("local")) {
            return refuse("docker volume create --driver");
        }
        if (!empty(root.get(), "DriverOpts", "")) {
            return refuse("docker volume create --opt");
        }
        if (!empty(root.get(), "ClusterVolumeSpec", "")) {
            return refuse("cluster volumes");
        }
        return Optional.empty();
    }

    /** {@code POST /auth}: the registry the daemon would log in to. */
    static Optional<String> authServer(byte[] body) throws GateError {
        Optional<ObjectNode> root = object(body);
        return root.isEmpty() ? Optional.empty() : text(root.get(), "serveraddress", "");
    }

    /** Every HostConfig field that reaches past the learner's own daemon, in the order the CLI's help lists them. */
    private static Optional<String> hostConfig(ObjectNode config, String where) throws GateError {
        if (flag(config, "Privileged", where)) {
            return refuse("--privileged");
        }
        Optional<String> mounts = binds(config, where);
        if (mounts.isEmpty()) {
            mounts = mounts(config, where);
        }
        if (mounts.isPresent()) {
            return mounts;
        }
        String volumeDriver = text(config, "VolumeDriver", where).orElse("");
        if (!volumeDriver.isEmpty() && !volumeDriver.equals("local")) {
            return refuse("--volume-driver");
        }
        if (!empty(config, "Devices", where)) {
            return refuse("--device");
        }
        if (!empty(config, "DeviceRequests", where)) {
            return refuse("--gpus");
        }
        if (!empty(config, "DeviceCgroupRules", where)) {
            return refuse("--device-cgroup-rule");
        }
        if (!empty(config, "CapAdd", where)) {
            return refuse("--cap-add");
        }
        JsonNode securityOpt = field(config, "SecurityOpt");
        if (securityOpt != null && !securityOpt.isNull()) {
            for (JsonNode option : list(securityOpt, where + "SecurityOpt")) {
                // no-new-privileges only takes privileges away; everything else (seccomp, apparmor, label) can add some.
                if (!option.isTextual() || !option.asText().matches("no-new-privileges([:=]true)?")) {
                    return refuse("--security-opt");
                }
            }
        }
        // The CLI sends empty lists for systempaths=unconfined: any list at all replaces the daemon's masks.
        for (String paths : new String[] {"MaskedPaths", "ReadonlyPaths"}) {
            JsonNode value = field(config, paths);
            if (value != null && !value.isNull()) {
                return refuse("--security-opt systempaths=unconfined");
            }
        }
        for (var mode : new String[] {"PidMode", "IpcMode", "NetworkMode", "UsernsMode", "UTSMode", "CgroupnsMode"}) {
            if (text(config, mode, where).orElse("").equalsIgnoreCase("host")) {
                return refuse(HOST_MODES.get(mode));
            }
        }
        String runtime = text(config, "Runtime", where).orElse("");
        if (!runtime.isEmpty() && !runtime.equals("runc")) {
            return refuse("--runtime");
        }
        if (!text(config, "CgroupParent", where).orElse("").isEmpty()) {
            return refuse("--cgroup-parent");
        }
        if (!empty(config, "Sysctls", where)) {
            return refuse("--sysctl");
        }
        JsonNode log = field(config, "LogConfig");
        if (log != null && !log.isNull()) {
            String driver = text(asObject(log, where + "LogConfig"), "Type", where + "LogConfig.").orElse("");
            if (!LOG_DRIVERS.contains(driver)) {
                return refuse("--log-driver " + shown(driver) + " (json-file, local and none are allowed)");
            }
        }
        if (!empty(config, "Annotations", where)) {
            return refuse("--annotation");
        }
        return Optional.empty();
    }

    /** {@code -v SOURCE:TARGET[:MODE]}: a source that is not a volume name is a host path. */
    private static Optional<String> binds(ObjectNode config, String where) throws GateError {
        JsonNode binds = field(config, "Binds");
        if (binds == null || binds.isNull()) {
            return Optional.empty();
        }
        for (JsonNode bind : list(binds, where + "Binds")) {
            if (!bind.isTextual()) {
                throw GateError.malformed(where + "Binds holds something other than text");
            }
            String[] parts = bind.asText().split(":", -1);
            if (parts.length > 1 && !VOLUME_NAME.matcher(parts[0]).matches()) {
                return refuse(HOST_PATH + " (" + shown(parts[0]) + ")" + USE_A_VOLUME);
            }
        }
        return Optional.empty();
    }

    /** {@code --mount}: volumes and tmpfs only, and volumes without driver options (type=none,o=bind is a bind). */
    private static Optional<String> mounts(ObjectNode config, String where) throws GateError {
        JsonNode mounts = field(config, "Mounts");
        if (mounts == null || mounts.isNull()) {
            return Optional.empty();
        }
        for (JsonNode node : list(mounts, where + "Mounts")) {
            ObjectNode mount = asObject(node, where + "Mounts[]");
            String at = where + "Mounts[].";
            String type = text(mount, "Type", at).orElse("");
            if (type.equals("bind")) {
                return refuse(HOST_PATH + " (" + shown(text(mount, "Source", at).orElse("")) + ")" + USE_A_VOLUME);
            }
            if (type.equals("tmpfs")) {
                continue;
            }
            if (!type.equals("volume")) {
                return refuse("--mount type=" + shown(type));
            }
            String source = text(mount, "Source", at).orElse("");
            if (!source.isEmpty() && !VOLUME_NAME.matcher(source).matches()) {
                return refuse(HOST_PATH + " (" + shown(source) + ")" + USE_A_VOLUME);
            }
            JsonNode options = field(mount, "VolumeOptions");
            if (options == null || options.isNull()) {
                continue;
            }
            JsonNode driver = field(asObject(options, at + "VolumeOptions"), "DriverConfig");
            if (driver == null || driver.isNull()) {
                continue;
            }
            ObjectNode driverConfig = asObject(driver, at + "VolumeOptions.DriverConfig");
            String name = text(driverConfig, "Name", at + "VolumeOptions.DriverConfig.").orElse("");
            if (!name.isEmpty() && !name.equals("local")) {
                return refuse("--mount volume-driver");
            }
            if (!empty(driverConfig, "Options", at + "VolumeOptions.DriverConfig.")) {
                return refuse("--mount volume-opt");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refuse(String what) {
        return Optional.of("dockstep: this sandbox does not allow " + what);
    }

    /** An empty body is left to the daemon to refuse; anything else must be one JSON object. */
    private static Optional<ObjectNode> object(byte[] body) throws GateError {
        if (body.length == 0) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw GateError.malformed("the body is not one well-formed JSON value"
                    + (e.getMessage() != null && e.getMessage().startsWith("Duplicate field") ? " (a field appears twice)" : ""));
        } catch (IOException e) {
            throw GateError.malformed("the body cannot be read as JSON");
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty();
        }
        return Optional.of(asObject(root, "the body"));
    }

    /** The value of {@code name} as Go would match it, refusing a body that names it twice. */
    static JsonNode field(ObjectNode object, String name) throws GateError {
        String wanted = fold(name);
        JsonNode found = null;
        Set<String> seen = new HashSet<>();
        for (var entry : object.properties()) {
            String key = fold(entry.getKey());
            if (!seen.add(key) && key.equals(wanted)) {
                throw GateError.malformed("the body names " + name + " twice");
            }
            if (key.equals(wanted)) {
                found = entry.getValue();
            }
        }
        return found;
    }

    /**
     * Go's encoding/json folds a name to match a field: ASCII letters without case, and the only two
     * non-ASCII letters whose fold set holds an ASCII one (U+212A KELVIN SIGN is k, U+017F LONG S is s).
     */
    static String fold(String name) {
        StringBuilder folded = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\u212a') {
                c = 'k';
            } else if (c == '\u017f') {
                c = 's';
            } else if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            folded.append(c);
        }
        return folded.toString();
    }

    private static boolean flag(ObjectNode object, String name, String where) throws GateError {
        JsonNode value = field(object, name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw GateError.malformed(where + name + " is not true or false");
        }
        return value.booleanValue();
    }

    private static Optional<String> text(ObjectNode object, String name, String where) throws GateError {
        JsonNode value = field(object, name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw GateError.malformed(where + name + " is not text");
        }
        return Optional.of(value.textValue());
    }

    /** Absent, null, an empty list, an empty object or an empty string: what Go decodes to "nothing set". */
    private static boolean empty(ObjectNode object, String name, String where) throws GateError {
        JsonNode value = field(object, name);
        if (value == null || value.isNull()) {
            return true;
        }
        if (value.isArray() || value.isObject()) {
            return value.isEmpty();
        }
        // Go's StrSlice also takes a single string: "CapAdd": "SYS_ADMIN".
        if (value.isTextual()) {
            return false;
        }
        throw GateError.malformed(where + name + " is neither a list nor an object");
    }

    private static Iterable<JsonNode> list(JsonNode value, String where) throws GateError {
        if (value.isArray()) {
            return value;
        }
        if (value.isTextual()) {
            return java.util.List.of(value);
        }
        throw GateError.malformed(where + " is not a list");
    }

    private static ObjectNode asObject(JsonNode value, String where) throws GateError {
        if (!(value instanceof ObjectNode object)) {
            throw GateError.malformed(where + " is not a JSON object");
        }
        return object;
    }

    /** A learner's value inside a one-line message: printable, short, nothing that could end the line. */
    static String shown(String value) {
        String printable = value.replaceAll("[^A-Za-z0-9._:/@~+=,-]", "?");
        return printable.length() > 60 ? printable.substring(0, 57) + "..." : printable;
    }
}
