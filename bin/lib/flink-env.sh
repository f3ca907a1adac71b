# shellcheck shell=bash disable=SC2034
# Shared by bin/stack and bin/flink: where the local Flink cluster's runtime, configuration and plugins are.
# Sourced, not executed; expects REPO_ROOT to be set. (SC2034: the variables are used by the sourcing scripts.)

STACK_HOME="$REPO_ROOT/.stack"
FLINK_HOME_DIR="$STACK_HOME/flink"
# generated from flink-conf/ by `bin/stack up flink` (adds absolute paths and the S3 credentials)
FLINK_STACK_CONF_DIR="$FLINK_HOME_DIR/conf"
FLINK_STACK_PLUGINS_DIR="$FLINK_HOME_DIR/plugins"
FLINK_CLASSPATH="$STACK_HOME/lib/flink/*"

# The JVM options every Flink process needs (module opens), read from the configuration like Flink's own
# scripts do. The key is kept on one line in flink-conf/config.yaml for this reason.
flink_java_opts_all() {
  local conf_file="$1/config.yaml"
  sed -n 's/^env\.java\.opts\.all:[[:space:]]*//p' "$conf_file" | tail -n 1
}
