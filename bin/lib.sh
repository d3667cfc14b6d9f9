# Shared by bin/dockstep and bin/test: install what is missing, build when sources changed.
# shellcheck shell=bash

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The JVM dockstep runs in: a small heap and the serial collector keep it well under 300 MB
# resident on a 2-core machine. Set DOCKSTEP_JAVA_OPTS to override.
export DOCKSTEP_JAVA_OPTS="${DOCKSTEP_JAVA_OPTS:--Xmx128m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=40m -XX:+UseSerialGC -Xss512k -XX:TieredStopAtLevel=1}"

# require "command:debian-package" ...: installs the packages whose command is missing, or says
# exactly what to install and exits 1 where it cannot (not root, or no apt-get).
require() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if ! have "$cmd"; then missing+=("$pkg"); fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "dockstep: missing packages: ${missing[*]}" >&2
    echo "dockstep: install them (as root, on Debian: apt-get install -y ${missing[*]}), then run this again" >&2
    exit 1
  fi
  echo "dockstep: installing ${missing[*]} …" >&2
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >/tmp/dockstep-apt.log 2>&1; then
    echo "dockstep: apt-get could not install ${missing[*]}; see /tmp/dockstep-apt.log" >&2
    exit 1
  fi
}

# have CMD: true when CMD runs here. PostgreSQL's server tools live outside PATH on Debian.
have() {
  case "$1" in
    initdb) compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null ;;
    *) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
  esac
}

# cds_options: class-data sharing cuts start-up by about a third. The first run after a build
# writes target/dockstep.jsa when it exits; later runs map it in.
cds_options() {
  local jar="$root/target/dockstep.jar" jsa="$root/target/dockstep.jsa"
  if [ -f "$jsa" ] && [ "$jsa" -nt "$jar" ]; then
    echo "-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  else
    echo "-XX:ArchiveClassesAtExit=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}

# build_if_needed: packages the app when the jar is missing or older than any source.
build_if_needed() {
  local jar="$root/target/dockstep.jar"
  if [ -f "$jar" ] && [ -z "$(find "$root/pom.xml" "$root/src/main" "$root/static" -newer "$jar" -print -quit)" ]; then
    return 0
  fi
  echo "dockstep: building (the first build downloads dependencies and takes a minute) …" >&2
  if ! (cd "$root" && mvn -q -B -DskipTests package) >/tmp/dockstep-build.log 2>&1; then
    echo "dockstep: the build failed; see /tmp/dockstep-build.log" >&2
    exit 1
  fi
}
