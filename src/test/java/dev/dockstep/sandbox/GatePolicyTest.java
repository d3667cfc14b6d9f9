package dev.dockstep.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dockstep.sandbox.GatePolicy.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GatePolicyTest {
    private static final String V = "/v1.41";
    private final GatePolicy policy = new GatePolicy(Set.of("localhost:5000"));

    @ParameterizedTest
    @CsvSource({
        "GET,/_ping", "HEAD,/_ping", "GET,/version", "GET,/info", "GET,/events?since=1&filters=%7B%7D", "GET,/system/df",
        "GET,/images/json", "GET,/images/localhost:5000/alice/backend:0.1/json", "GET,/images/backend:0.1/history",
        "GET,/images/get?names=backend%3A0.1", "GET,/images/backend/get", "POST,/images/backend:0.1/tag?repo=x&tag=1",
        "DELETE,/images/localhost:5000/alice/backend:0.1?force=1", "POST,/images/load?quiet=1", "POST,/images/prune",
        "POST,/images/create?fromSrc=-&repo=imported&tag=1", "POST,/commit?container=abc&repo=snap",
        "GET,/containers/json?all=1", "GET,/containers/abc/json", "GET,/containers/abc/logs?follow=1",
        "GET,/containers/abc/top", "GET,/containers/abc/stats?stream=0", "GET,/containers/abc/archive?path=%2Fetc",
        "HEAD,/containers/abc/archive?path=%2Fetc", "PUT,/containers/abc/archive?path=%2Ftmp",
        "POST,/containers/abc/stop", "POST,/containers/abc/kill?signal=KILL", "POST,/containers/abc/restart",
        "POST,/containers/abc/wait?condition=removed", "POST,/containers/abc/resize?h=24&w=80",
        "POST,/containers/abc/rename?name=def", "POST,/containers/abc/pause", "POST,/containers/abc/unpause",
        "DELETE,/containers/abc?force=1", "POST,/containers/prune", "GET,/exec/abc/json", "POST,/exec/abc/resize?h=1&w=1",
        "GET,/volumes", "GET,/volumes/data", "DELETE,/volumes/data", "POST,/volumes/prune",
        "GET,/networks", "GET,/networks/bridge", "GET,/plugins", "GET,/plugins/x/json",
    })
    void each_call_a_lesson_needs_passes_as_it_came(String method, String target) {
        assertEquals(new Verdict.Allow(target, false), policy.judge(method, target));
        assertEquals(new Verdict.Allow(V + target, false), policy.judge(method, V + target), "with a version prefix");
    }

    @Test
    void attach_and_exec_start_may_turn_into_a_raw_stream() {
        assertEquals(new Verdict.Allow(V + "/containers/abc/attach?stream=1&stdout=1", true),
                policy.judge("POST", V + "/containers/abc/attach?stream=1&stdout=1"));
        assertEquals(new Verdict.Allow(V + "/exec/abc/start", true), policy.judge("POST", V + "/exec/abc/start"));
    }

    @Test
    void a_sandbox_with_the_company_registry_reaches_both_registries_and_nothing_else() {
        GatePolicy both = new GatePolicy(Set.of("localhost:5000", "127.0.0.1:5001"));
        assertAllowed(both.judge("POST", V + "/images/127.0.0.1:5001/alice/app/push?tag=stable"));
        assertAllowed(both.judge("POST", V + "/images/create?fromImage=127.0.0.1%3A5001%2Falice%2Fapp&tag=stable"));
        assertAllowed(both.judge("POST", V + "/images/localhost:5000/alice/app/push?tag=stable"));
        assertAllowed(both.judge("POST", V + "/auth", json("{\"username\":\"alice\",\"password\":\"pw\","
                + "\"serveraddress\":\"127.0.0.1:5001\"}")));
        String only = "dockstep: this sandbox can only reach the registries 127.0.0.1:5001, localhost:5000";
        assertRefused(403, only, both.judge("POST", V + "/images/localhost:5001/alice/app/push"));
        assertRefused(403, only, both.judge("POST", V + "/images/127.0.0.1:5000/alice/app/push"));
    }

    @Test
    void pull_push_and_distribution_reach_only_the_allowed_registry() {
        assertAllowed(policy.judge("POST", V + "/images/create?fromImage=localhost%3A5000%2Falice%2Fapp&tag=1"));
        assertAllowed(policy.judge("POST", V + "/images/localhost:5000/alice/app/push?tag=1"));
        assertAllowed(policy.judge("GET", V + "/distribution/localhost:5000/alice/app:1/json"));
        String only = "dockstep: this sandbox can only reach the registry localhost:5000";
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=busybox&tag=latest"));
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=docker.io%2Flibrary%2Fbusybox"));
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=alice%2Fapp"));
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=evil.example%3A5000%2Fapp"));
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=127.0.0.1%3A5000%2Fapp"));
        assertRefused(403, only, policy.judge("POST", V + "/images/alice/app/push?tag=1"));
        assertRefused(403, only, policy.judge("POST", V + "/images/localhost:5001/alice/app/push"));
        assertRefused(403, only, policy.judge("GET", V + "/distribution/busybox:latest/json"));
        // Docker takes an upper-case first part for a host, so this is a host, not a Hub user.
        assertRefused(403, only, policy.judge("POST", V + "/images/create?fromImage=Evil%2Fapp"));
        // The host name is compared the way DNS does, without case.
        assertAllowed(policy.judge("POST", V + "/images/LOCALHOST:5000/alice/app/push"));
    }

    @Test
    void docker_hub_is_reachable_only_when_configured_and_then_under_each_of_its_names() {
        GatePolicy hub = new GatePolicy(Set.of("docker.io"));
        assertAllowed(hub.judge("POST", V + "/images/create?fromImage=busybox"));
        assertAllowed(hub.judge("POST", V + "/images/create?fromImage=index.docker.io%2Flibrary%2Fbusybox"));
        assertAllowed(hub.judge("POST", V + "/auth", json("{\"serveraddress\":\"https://index.docker.io/v1/\"}")));
        assertAllowed(hub.judge("POST", V + "/auth", json("{\"username\":\"a\",\"password\":\"b\"}")));
        assertRefused(403, "dockstep: this sandbox can only reach the registry docker.io",
                hub.judge("POST", V + "/images/create?fromImage=localhost%3A5000%2Fa"));
        assertRefused(403, "dockstep: this sandbox can only reach the registries docker.io, localhost:5000",
                new GatePolicy(Set.of("localhost:5000", "docker.io")).judge("POST", V + "/images/create?fromImage=quay.io%2Fa"));
        assertRefused(403, "dockstep: this sandbox cannot reach any registry",
                new GatePolicy(Set.of()).judge("POST", V + "/images/x/push"));
    }

    @Test
    void login_is_judged_by_the_registry_in_its_body() {
        assertEquals(new Verdict.ReadBody(), policy.judge("POST", V + "/auth"));
        assertAllowed(policy.judge("POST", V + "/auth", json("{\"username\":\"alice\",\"password\":\"pw\",\"serveraddress\":\"localhost:5000\"}")));
        assertAllowed(policy.judge("POST", V + "/auth", json("{\"serveraddress\":\"http://localhost:5000/v2/\"}")));
        String only = "dockstep: this sandbox can only reach the registry localhost:5000";
        assertRefused(403, only, policy.judge("POST", V + "/auth", json("{\"username\":\"alice\",\"password\":\"pw\"}")));
        assertRefused(403, only, policy.judge("POST", V + "/auth", json("{\"serveraddress\":\"evil.example\"}")));
        assertRefused(403, only, policy.judge("POST", V + "/auth", json("{\"ServerAddress\":\"evil.example\"}")));
        assertRefused(400, "dockstep: malformed request: 'localhost:5000@evil.example' is not a registry address",
                policy.judge("POST", V + "/auth", json("{\"serveraddress\":\"localhost:5000@evil.example\"}")));
    }

    @Test
    void an_import_may_only_read_its_upload_never_a_url() {
        String url = "dockstep: this sandbox does not allow docker import from a URL (import a file: docker import FILE or -)";
        assertRefused(403, url, policy.judge("POST", V + "/images/create?fromSrc=http%3A%2F%2Fevil.example%2Fx.tar"));
        assertRefused(403, url, policy.judge("POST", V + "/images/create?fromSrc=evil.example%2Fx.tar"));
        // The daemon fetches an empty source as the URL http://.
        assertRefused(403, url, policy.judge("POST", V + "/images/create"));
        assertRefused(403, url, policy.judge("POST", V + "/images/create?fromImage=&fromSrc="));
        assertRefused(400, "dockstep: malformed request: the query names fromSrc twice",
                policy.judge("POST", V + "/images/create?fromSrc=-&fromSrc=http%3A%2F%2Fevil"));
        assertRefused(400, "dockstep: malformed request: the query holds a ';'",
                policy.judge("POST", V + "/images/create?fromSrc=-;fromSrc=http://evil"));
    }

    @Test
    void a_plain_container_is_allowed_once_its_body_is_read() {
        assertEquals(new Verdict.ReadBody(), policy.judge("POST", V + "/containers/create?name=web"));
        assertAllowed(create("""
                {"Image":"tiny:1","Cmd":["echo","hi"],"Volumes":{"/data":{}},
                 "HostConfig":{"Binds":["data:/data","cache:/cache:ro","/anonymous"],"NetworkMode":"default",
                  "Mounts":[{"Type":"volume","Source":"more","Target":"/more"},{"Type":"tmpfs","Target":"/tmp"},
                            {"Type":"volume","Target":"/anon","VolumeOptions":{"NoCopy":true,"DriverConfig":{"Name":"local"}}}],
                  "CapDrop":["ALL"],"SecurityOpt":["no-new-privileges"],"LogConfig":{"Type":"json-file","Config":{"max-size":"1m"}},
                  "PidMode":"container:abc","IpcMode":"private","Runtime":"runc","AutoRemove":true,"Privileged":false,
                  "Devices":[],"CapAdd":null,"Sysctls":{}}}"""));
        assertAllowed(create(""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"Privileged\":true}                                   | --privileged",
        "{\"Binds\":[\"/:/host\"]}                               | -v/--mount of a host path (/); use a named volume, e.g. -v data:/data",
        "{\"Binds\":[\"/etc:/etc:ro\"]}                          | -v/--mount of a host path (/etc); use a named volume, e.g. -v data:/data",
        "{\"Binds\":[\"./here:/x\"]}                             | -v/--mount of a host path (./here); use a named volume, e.g. -v data:/data",
        "{\"Mounts\":[{\"Type\":\"bind\",\"Source\":\"/\",\"Target\":\"/h\"}]} | -v/--mount of a host path (/); use a named volume, e.g. -v data:/data",
        "{\"Mounts\":[{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/h\",\"VolumeOptions\":{\"DriverConfig\":{\"Options\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/\"}}}}]} | --mount volume-opt",
        "{\"Mounts\":[{\"Type\":\"volume\",\"Target\":\"/h\",\"VolumeOptions\":{\"DriverConfig\":{\"Name\":\"sshfs\"}}}]} | --mount volume-driver",
        "{\"Mounts\":[{\"Type\":\"npipe\",\"Source\":\"x\",\"Target\":\"/h\"}]} | --mount type=npipe",
        "{\"VolumeDriver\":\"sshfs\"}                            | --volume-driver",
        "{\"Devices\":[{\"PathOnHost\":\"/dev/sda\",\"PathInContainer\":\"/dev/sda\",\"CgroupPermissions\":\"rwm\"}]} | --device",
        "{\"DeviceRequests\":[{\"Count\":-1,\"Capabilities\":[[\"gpu\"]]}]} | --gpus",
        "{\"DeviceCgroupRules\":[\"c 1:3 mr\"]}                  | --device-cgroup-rule",
        "{\"CapAdd\":[\"SYS_ADMIN\"]}                            | --cap-add",
        "{\"CapAdd\":\"SYS_ADMIN\"}                              | --cap-add",
        "{\"SecurityOpt\":[\"seccomp=unconfined\"]}              | --security-opt",
        "{\"SecurityOpt\":[\"apparmor=unconfined\"]}             | --security-opt",
        "{\"MaskedPaths\":[],\"ReadonlyPaths\":[]}               | --security-opt systempaths=unconfined",
        "{\"PidMode\":\"host\"}                                  | --pid=host",
        "{\"IpcMode\":\"host\"}                                  | --ipc=host",
        "{\"NetworkMode\":\"host\"}                              | --network=host",
        "{\"NetworkMode\":\"HOST\"}                              | --network=host",
        "{\"UsernsMode\":\"host\"}                               | --userns=host",
        "{\"UTSMode\":\"host\"}                                  | --uts=host",
        "{\"CgroupnsMode\":\"host\"}                             | --cgroupns=host",
        "{\"Runtime\":\"io.containerd.runc.v2\"}                 | --runtime",
        "{\"CgroupParent\":\"/\"}                                | --cgroup-parent",
        "{\"Sysctls\":{\"kernel.domainname\":\"x\"}}             | --sysctl",
        "{\"LogConfig\":{\"Type\":\"syslog\",\"Config\":{\"syslog-address\":\"udp://1.2.3.4:514\"}}} | --log-driver syslog (json-file, local and none are allowed)",
        "{\"LogConfig\":{\"Type\":\"gelf\"}}                     | --log-driver gelf (json-file, local and none are allowed)",
        "{\"Annotations\":{\"a\":\"b\"}}                         | --annotation",
    })
    void each_option_that_reaches_past_the_sandbox_is_refused_with_its_flag(String hostConfig, String flag) {
        String message = "dockstep: this sandbox does not allow " + flag;
        assertRefused(403, message, create("{\"Image\":\"tiny:1\",\"HostConfig\":" + hostConfig + "}"));
        // The daemon still reads HostConfig fields from the top level when no HostConfig object is sent.
        assertRefused(403, message, create("{\"Image\":\"tiny:1\"," + hostConfig.substring(1)));
        // Old API versions took a HostConfig at start; update takes resources, which hold devices.
        assertRefused(403, message, policy.judge("POST", V + "/containers/abc/start", json(hostConfig)));
        assertRefused(403, message, policy.judge("POST", V + "/containers/abc/update", json(hostConfig)));
    }

    @Test
    void field_names_are_matched_the_way_go_matches_them() {
        String privileged = "dockstep: this sandbox does not allow --privileged";
        assertRefused(403, privileged, create("{\"Image\":\"x\",\"hostconfig\":{\"privileged\":true}}"));
        assertRefused(403, privileged, create("{\"Image\":\"x\",\"HOSTCONFIG\":{\"PRIVILEGED\":true}}"));
        assertRefused(403, privileged, create("{\"Image\":\"x\",\"HostConfig\":null,\"Privileged\":true}"));
        // Go folds U+017F (long s) to s and U+212A (Kelvin sign) to k.
        assertRefused(403, "dockstep: this sandbox does not allow --security-opt systempaths=unconfined",
                create("{\"HostConfig\":{\"Ma\u017fkedPaths\":[]}}"));
        assertRefused(403, "dockstep: this sandbox does not allow --security-opt systempaths=unconfined",
                create("{\"HostConfig\":{\"Mas\u212aedPaths\":[]}}"));
        // Go keeps the last of two spellings; a reader that kept the first would see false.
        assertRefused(400, "dockstep: malformed request: the body names Privileged twice",
                create("{\"HostConfig\":{\"Privileged\":false,\"privileged\":true}}"));
        assertRefused(400, "dockstep: malformed request: the body is not one well-formed JSON value (a field appears twice)",
                create("{\"HostConfig\":{\"Privileged\":false,\"Privileged\":true}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"HostConfig\":{\"Privileged\":\"true\"}}", "{\"HostConfig\":[]}", "[]", "null", "{\"Image\":\"x\"} {\"Privileged\":true}",
        "{\"HostConfig\":{\"Binds\":[1]}}", "{\"HostConfig\":{\"NetworkMode\":1}}", "{\"Image\":\"x\",} ", "{\"Image\":'x'}",
    })
    void a_body_that_is_not_what_the_daemon_expects_is_refused_not_guessed(String body) {
        Verdict verdict = create(body);
        assertInstanceOf(Verdict.Refuse.class, verdict, body);
        assertEquals(400, ((Verdict.Refuse) verdict).status(), body);
        assertTrue(((Verdict.Refuse) verdict).message().startsWith("dockstep: malformed request: "), body);
    }

    @Test
    void exec_may_not_be_privileged() {
        assertEquals(new Verdict.ReadBody(), policy.judge("POST", V + "/containers/abc/exec"));
        assertAllowed(policy.judge("POST", V + "/containers/abc/exec", json("{\"Cmd\":[\"sh\"],\"User\":\"root\",\"Privileged\":false}")));
        assertRefused(403, "dockstep: this sandbox does not allow docker exec --privileged",
                policy.judge("POST", V + "/containers/abc/exec", json("{\"Cmd\":[\"sh\"],\"privileged\":true}")));
    }

    @Test
    void a_volume_may_be_created_only_without_driver_options() {
        assertAllowed(policy.judge("POST", V + "/volumes/create", json("{\"Name\":\"data\",\"Driver\":\"local\",\"Labels\":{\"a\":\"b\"}}")));
        assertRefused(403, "dockstep: this sandbox does not allow docker volume create --opt", policy.judge("POST",
                V + "/volumes/create", json("{\"Name\":\"root\",\"DriverOpts\":{\"type\":\"none\",\"o\":\"bind\",\"device\":\"/\"}}")));
        assertRefused(403, "dockstep: this sandbox does not allow docker volume create --driver",
                policy.judge("POST", V + "/volumes/create", json("{\"Name\":\"x\",\"Driver\":\"sshfs\"}")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST|/build?t=x                     | docker build",
        "POST|/build/prune                   | docker build",
        "POST|/session                       | docker build",
        "POST|/grpc                          | docker build",
        "GET |/images/search?term=x          | docker search (it asks Docker Hub)",
        "POST|/networks/create               | docker network create",
        "POST|/networks/bridge/connect       | docker network connect",
        "POST|/networks/prune                | docker network prune",
        "DELETE|/networks/bridge             | docker network rm",
        "POST|/plugins/pull?remote=x         | docker plugin",
        "GET |/plugins/privileges?remote=x   | docker plugin",
        "POST|/swarm/init                    | docker swarm (swarm)",
        "GET |/services                      | docker swarm (services)",
        "POST|/secrets/create                | docker swarm (secrets)",
        "GET |/configs                       | docker swarm (configs)",
        "GET |/nodes                         | docker swarm (nodes)",
        "GET |/containers/abc/attach/ws      | GET /containers/abc/attach/ws",
        "POST|/containers/abc/copy           | POST /containers/abc/copy",
        "HEAD|/version                       | HEAD /version",
        "PUT |/images/x                      | PUT /images/x",
        "POST|/images/x/json                 | POST /images/x/json",
        "GET |/vX/images/json                | GET /vX/images/json",
    })
    void everything_else_is_refused_and_named(String method, String target, String what) {
        String message = "dockstep: this sandbox does not allow " + what;
        assertRefused(403, message, policy.judge(method.strip(), target.strip()));
        assertRefused(403, message, policy.judge(method.strip(), V + target.strip()));
    }

    @Test
    void version_prefixes_are_read_as_the_daemon_reads_them() {
        assertAllowed(policy.judge("GET", "/v1.24/images/json"));
        assertAllowed(policy.judge("GET", "/v1.51/images/json"));
        assertRefused(400, "dockstep: API version 1.23 is too old for this sandbox; use 1.24 or newer",
                policy.judge("POST", "/v1.23/containers/abc/start"));
        assertRefused(400, "dockstep: malformed request: the API version v1..41 is not of the form vX.Y",
                policy.judge("GET", "/v1..41/images/json"));
        assertRefused(400, "dockstep: malformed request: the API version v1 is not of the form vX.Y",
                policy.judge("GET", "/v1/images/json"));
        assertRefused(403, "dockstep: this sandbox does not allow GET /v1.41/images/json",
                policy.judge("GET", "/v1.41/v1.41/images/json"));
        // The daemon's router takes any v[0-9.]+ for a version.
        assertRefused(400, "dockstep: malformed request: the API version v2 is not of the form vX.Y",
                policy.judge("GET", "/v2/images/json"));
        assertRefused(403, "dockstep: this sandbox does not allow GET /", policy.judge("GET", "/"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST|/v1.41/containers/abc/../../build     | the path has a . or .. segment",
        "POST|/v1.41/images/%2e%2e/%2e%2e/build     | the path has a . or .. segment",
        "POST|/v1.41/containers/x%2F..%2F..%2Fbuild | the path has a . or .. segment",
        "GET |/v1.41/./images/json                  | the path has a . or .. segment",
        "GET |//images/json                         | the path has an empty segment (// or a trailing /)",
        "GET |/v1.41//images/json                   | the path has an empty segment (// or a trailing /)",
        "GET |/v1.41/images/json/                   | the path has an empty segment (// or a trailing /)",
        "GET |/v1.41/images/a%00b/json              | the path holds a character that no Docker name has",
        "GET |/v1.41/images/a%20b/json              | the path holds a character that no Docker name has",
        "GET |/v1.41/images/a%3Fb/json              | the path holds a character that no Docker name has",
        "GET |/v1.41/images/a%2/json                | the request target has a broken %-escape",
        "GET |/v1.41/images/%C0%AE/json             | the request target is not UTF-8 once decoded",
        "GET |/v1.41/images/a\\b/json               | the path holds a character that no Docker name has",
        "GET |/v1.41/images/json#frag               | the path holds a character that no Docker name has",
        "GET |http://docker/v1.41/images/json       | the request target must be a path starting with /",
        "GET |*                                     | the request target must be a path starting with /",
    })
    void a_path_that_could_be_read_two_ways_is_refused(String method, String target, String why) {
        assertRefused(400, "dockstep: malformed request: " + why, policy.judge(method.strip(), target.strip()));
    }

    @Test
    void the_target_sent_on_is_the_decoded_one_that_was_judged() {
        assertEquals(new Verdict.Allow("/v1.41/images/localhost:5000/alice/app/push?tag=1", false),
                policy.judge("POST", "/v1.41/images/localhost%3A5000%2Falice%2Fapp/push?tag=1"));
        assertRefused(403, "dockstep: this sandbox does not allow docker build",
                policy.judge("POST", "/v1.41/%62uild"));
        assertRefused(403, "dockstep: this sandbox does not allow docker build", policy.judge("POST", "/%761.41/build"));
    }

    @Test
    void a_message_never_carries_a_line_break_from_the_request() {
        Verdict verdict = create("{\"HostConfig\":{\"Binds\":[\"/etc\\nInjected line:/x\"]}}");
        assertRefused(403, "dockstep: this sandbox does not allow -v/--mount of a host path (/etc?Injected?line);"
                + " use a named volume, e.g. -v data:/data", verdict);
    }

    private Verdict create(String body) {
        return policy.judge("POST", V + "/containers/create", json(body));
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertAllowed(Verdict verdict) {
        assertInstanceOf(Verdict.Allow.class, verdict, verdict::toString);
    }

    private static void assertRefused(int status, String message, Verdict verdict) {
        assertEquals(new Verdict.Refuse(status, message), verdict);
    }
}
