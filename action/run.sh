#!/usr/bin/env bash
# The composite action's one step: read the inputs (from INPUT_* variables, never from
# script text), refuse bad ones before any work, get a verified hh-gitops binary, and run
# `hh-gitops sync` with every value passed as `--name=value` so that no value is ever read
# as a flag. What to check and what to commit is the binary's job; this script only turns
# action inputs into flags and fetches the binary.
set -euo pipefail

# First of all, in syntax old bashes take too (macOS ships bash 3.2): the script below needs
# GNU tools (realpath -m, mktemp --suffix) and the binary is built for Linux only.
if [ "${HH_RUNNER_OS:-}" != Linux ]; then
  echo "::error title=hh-gitops::hh-gitops runs on Linux runners only, and this job runs on ${HH_RUNNER_OS:-an unknown OS}: give it \`runs-on: ubuntu-latest\` (or another Linux runner)"
  exit 2
fi

# The release a release commit carries (written by .github/workflows/release.yml into the
# tagged tree only), so that any pin of it, a tag or a SHA, downloads that release.
RELEASE_FILE="${GITHUB_ACTION_PATH}/action/release"
# Where the project's releases live when no release file says (a `version` input on a
# commit that is no release). Never `github.action_repository`: inside another composite
# action that names the outer action.
HOME_REPOSITORY=hh-gitops/hh-gitops

# Prints one `::error` annotation and stops the step. The message is escaped as a workflow
# command's data, so a value quoted in it cannot start a command of its own.
fail() {
  local message="$*"
  message="${message//'%'/%25}"
  message="${message//$'\r'/%0D}"
  message="${message//$'\n'/%0A}"
  echo "::error title=hh-gitops::${message}"
  exit 2
}

# Sets the variable `var` to `true` or `false` for a boolean input, as YAML and the
# expression language write it (any case, surrounding whitespace); anything else fails the
# step. (Functions here set variables rather than print, so that `fail` is never inside a
# command substitution that would swallow its message.)
boolean() {
  local var="$1" name="$2" value="$3" word
  word="$(trim "${value}")"
  case "${word,,}" in
    true | false) printf -v "${var}" '%s' "${word,,}" ;;
    *) fail "input ${name} must be true or false (in any case), not '${value}'" ;;
  esac
}

# Prints `value` without its leading and trailing whitespace.
trim() {
  local value="$1"
  value="${value#"${value%%[![:space:]]*}"}"
  echo "${value%"${value##*[![:space:]]}"}"
}

# Whether `path` is `folder` or inside it (both already resolved by realpath).
inside() {
  [ "$1" = "$2" ] || [[ "$1" == "$2/"* ]]
}

# Sets `resolved` to a path input (`schemas`, `fabric-config`) resolved: a relative path
# is taken from the repository and must stay inside it; an absolute path must be inside
# the workspace.
resolve_path() {
  local name="$1" value="$2"
  if [[ "${value}" == /* ]]; then
    resolved="$(realpath -m -- "${value}")"
    inside "${resolved}" "${workspace}" ||
      fail "input ${name} '${value}' is outside the workspace ${workspace}: give a path inside the repository"
  else
    resolved="$(realpath -m -- "${repository}/${value}")"
    inside "${resolved}" "${repository}" ||
      fail "input ${name} '${value}' leads outside the repository ${repository}: give a path inside it"
  fi
}

# --- the inputs, all checked before anything is downloaded or run --------------------

workspace="$(realpath -e -- "${GITHUB_WORKSPACE}")"
repository_input="$(trim "${INPUT_PATH:-}")"
if [ -z "${repository_input}" ]; then
  repository="${workspace}"
elif [[ "${repository_input}" == /* ]]; then
  repository="$(realpath -m -- "${repository_input}")"
else
  repository="$(realpath -m -- "${workspace}/${repository_input}")"
fi
inside "${repository}" "${workspace}" ||
  fail "input path '${INPUT_PATH}' is outside the workspace ${workspace}: give the repository's folder inside it, as for actions/checkout"
[ -d "${repository}" ] ||
  fail "input path '${INPUT_PATH}': no folder ${repository}; check out the repository there first"
# Without actions/checkout the workspace is an empty folder; say so in those words, before
# the binary would speak of git or of its own flags.
command -v git > /dev/null ||
  fail "hh-gitops needs git, and this runner has none: install git before \`actions/checkout\` (without git, it downloads the files without the repository)"
if ! git_said="$(LC_ALL=C git -C "${repository}" rev-parse --git-dir 2>&1)"; then
  # Any other refusal (a workspace owned by another user in a container job, a broken
  # .git) is git's to explain: a checkout would not help.
  case "${git_said}" in
    *"not a git repository"*) ;;
    *) fail "git cannot read the repository at ${repository}: ${git_said}" ;;
  esac
  if [ -n "${repository_input}" ]; then
    fail "no git repository at ${repository}: add \`actions/checkout\` with \`path: ${repository_input}\` before this step"
  fi
  fail "no git repository in the workspace ${repository}: add \`actions/checkout\` before this step"
fi

boolean dry_run dry-run "${INPUT_DRY_RUN:-false}"
boolean fail_on_rejected fail-on-rejected "${INPUT_FAIL_ON_REJECTED:-true}"
# Empty: the repository config (.hh-gitops.yaml) decides, else hh-gitops's default.
deny_warnings=""
if [ -n "$(trim "${INPUT_DENY_WARNINGS:-}")" ]; then
  boolean deny_warnings deny-warnings "${INPUT_DENY_WARNINGS}"
fi

report="$(mktemp --suffix=.json "${RUNNER_TEMP}/hh-gitops-report-XXXXXX")"
args=(sync "--repo=${repository}" "--report-json=${report}")

case "$(trim "${INPUT_MODE:-auto}")" in
  auto | sync) ;;
  check) args+=(--commit=none) ;;
  *) fail "input mode must be auto, sync or check, not '${INPUT_MODE}'" ;;
esac

while IFS= read -r line; do
  glob="$(trim "${line}")"
  [ -n "${glob}" ] || continue
  if [[ "${glob}" == /* ]]; then
    absolute="$(realpath -m -- "${glob}")"
    inside "${absolute}" "${repository}" && [ "${absolute}" != "${repository}" ] ||
      fail "fabrics line '${glob}' is outside the repository ${repository}: fabric folders must be inside it"
    glob="${absolute#"${repository}/"}"
  fi
  args+=("--fabrics=${glob}")
done <<< "${INPUT_FABRICS:-}"

if [ "${fail_on_rejected}" = false ]; then args+=(--no-fail-on-rejected); fi
if [ "${dry_run}" = true ]; then args+=(--dry-run); fi
if [ -n "${deny_warnings}" ]; then args+=("--deny-warnings=${deny_warnings}"); fi
references="$(trim "${INPUT_REFERENCES:-}")"
case "${references,,}" in
  "") ;;
  warn | strict) args+=("--references=${references,,}") ;;
  *) fail "input references must be warn or strict, not '${INPUT_REFERENCES}'" ;;
esac
schemas="$(trim "${INPUT_SCHEMAS:-}")"
if [ -n "${schemas}" ]; then
  resolve_path schemas "${schemas}"
  args+=("--schemas=${resolved}")
fi
fabric_config="$(trim "${INPUT_FABRIC_CONFIG:-}")"
if [ -n "${fabric_config}" ]; then
  resolve_path fabric-config "${fabric_config}"
  args+=("--fabric-config=${resolved}")
fi
# The releases are the binary's to know (a newer hh-gitops knows newer ones): it refuses
# any other value, naming the ones it knows.
hedgehog_release="$(trim "${INPUT_HEDGEHOG_RELEASE:-}")"
if [ -n "${hedgehog_release}" ]; then args+=("--hedgehog-release=${hedgehog_release}"); fi
sarif="$(trim "${INPUT_SARIF:-}")"
if [ -n "${sarif}" ]; then
  if [[ "${sarif}" == /* ]]; then
    resolved="$(realpath -m -- "${sarif}")"
  else
    resolved="$(realpath -m -- "${workspace}/${sarif}")"
  fi
  runner_temp="$(realpath -m -- "${RUNNER_TEMP}")"
  inside "${resolved}" "${workspace}" || inside "${resolved}" "${runner_temp}" ||
    fail "input sarif '${INPUT_SARIF}' is outside the workspace ${workspace} and the runner's temp folder: give a path inside the workspace"
  args+=("--sarif=${resolved}")
fi
if [ -n "${INPUT_COMMIT_MESSAGE:-}" ]; then args+=("--commit-message=${INPUT_COMMIT_MESSAGE}"); fi

# --- the binary ----------------------------------------------------------------------

# Stops the step unless `path` is a regular executable file whose --version names
# hh-gitops; sets `version_line` to what it printed.
check_binary() {
  local path="$1" origin="$2"
  [ -f "${path}" ] && [ -x "${path}" ] ||
    fail "${origin} '${path}' is not an executable file"
  version_line="$("${path}" --version 2>&1)" ||
    fail "${origin} '${path}' failed to run with --version: ${version_line}"
  [[ "${version_line}" == "hh-gitops "* ]] ||
    fail "${origin} '${path}' is not hh-gitops: its --version printed '${version_line}'"
}

# Downloads `url` to `file`: transient failures (timeouts, 429, 5xx) are retried, a 4xx
# is not. On failure, one error saying what to do.
download() {
  local url="$1" file="$2" status problem
  if status="$(curl --proto '=https' --tlsv1.2 --location --silent --show-error --retry 3 \
    --output "${file}" --write-out '%{http_code}' -- "${url}" 2> "${file}.err")"; then
    problem="${url} answered HTTP ${status}"
  else
    problem="${url}: $(tr '\n' ' ' < "${file}.err")"
  fi
  [ "${status}" = 200 ] ||
    fail "cannot download hh-gitops ${version} (${version_source}): ${problem}." \
      "Check that release v${version} exists (${releases}/tag/v${version});" \
      "on GitHub Enterprise Server, hh-gitops's releases must be mirrored to ${server};" \
      "or install hh-gitops yourself and give its path in the binary input"
}

# Reads `version` and `repository` from the release file, if this checkout has one.
read_release_file() {
  local key value
  while IFS='=' read -r key value; do
    case "${key}" in
      version) release_version="${value}" ;;
      repository) release_repository="${value}" ;;
    esac
  done < <(cat -- "${RELEASE_FILE}"; echo)
}

binary_input="$(trim "${INPUT_BINARY:-}")"
if [ -n "${binary_input}" ]; then
  binary="${binary_input}"
  check_binary "${binary}" "input binary"
  echo "Running ${version_line} (the binary input: ${binary})"
else
  case "${HH_RUNNER_OS}/${HH_RUNNER_ARCH}" in
    Linux/X64) target=x86_64-unknown-linux-musl ;;
    Linux/ARM64) target=aarch64-unknown-linux-musl ;;
    *) fail "hh-gitops runs on Linux x64 and arm64 runners, not ${HH_RUNNER_OS}/${HH_RUNNER_ARCH}" ;;
  esac
  release_version=""
  release_repository=""
  if [ -f "${RELEASE_FILE}" ]; then read_release_file; fi
  version_input="$(trim "${INPUT_VERSION:-}")"
  if [ -n "${version_input}" ]; then
    version="${version_input#v}"
    version_source="the version input"
  elif [ -n "${release_version}" ]; then
    version="${release_version}"
    version_source="the action's release file"
  else
    version=""
  fi
  if [ -n "${version}" ]; then
    [[ "${version}" =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
      fail "version '${version_input:-${version}}' is not a release: give one such as 1.2.3 or v1.2.3;" \
        "to run a branch or commit instead, pin the action to it and leave version empty"
    owner="${release_repository:-${HOME_REPOSITORY}}"
    server="${GITHUB_SERVER_URL:-https://github.com}"
    releases="${server}/${owner}/releases"
    dir="$(mktemp -d "${RUNNER_TEMP}/hh-gitops-XXXXXX")"
    asset="hh-gitops-${target}"
    echo "Downloading hh-gitops ${version} (${version_source}) from ${releases}"
    download "${releases}/download/v${version}/${asset}" "${dir}/${asset}"
    download "${releases}/download/v${version}/SHA256SUMS" "${dir}/SHA256SUMS"
    expected="$(sed -nE "s/^([0-9a-f]{64}) [ *]${asset}\$/\\1/p" "${dir}/SHA256SUMS" | head -n 1)"
    [ -n "${expected}" ] ||
      fail "SHA256SUMS of hh-gitops ${version} (${releases}/download/v${version}/SHA256SUMS) has no line for ${asset}:" \
        "the release is incomplete; use another version or give an hh-gitops in the binary input"
    actual="$(sha256sum "${dir}/${asset}" | cut -d ' ' -f 1)"
    [ "${actual}" = "${expected}" ] ||
      fail "${asset} of hh-gitops ${version} does not match its SHA256SUMS (expected ${expected}, got ${actual}):" \
        "it was not run. Run the job again; if it fails again, the release's files were changed: report it at ${server}/${owner}/issues"
    echo "${asset}: sha256 ${actual} matches SHA256SUMS"
    if [ "${server}" = https://github.com ] && command -v gh > /dev/null; then
      problem="$(GH_TOKEN="${GITHUB_TOKEN}" gh attestation verify "${dir}/${asset}" --repo "${owner}" 2>&1 > /dev/null)" ||
        fail "the build-provenance attestation of ${asset} (hh-gitops ${version}) from ${owner} could not be verified, so it was not run:" \
          "${problem}"
      echo "${asset}: build provenance verified (gh attestation verify)"
    else
      echo "${asset}: build provenance not checked (needs gh and github.com); the checksum is the check"
    fi
    chmod +x "${dir}/${asset}"
    binary="${dir}/${asset}"
    binary_origin="downloaded hh-gitops"
  else
    command -v cargo > /dev/null ||
      fail "the action's checkout (ref ${ACTION_REF:-unknown}) is not a release commit and there is no cargo to build it:" \
        "pin the action to a release (@v0, a vX.Y.Z tag or its commit), set version, or give an hh-gitops in the binary input"
    echo "::notice title=hh-gitops::the action's checkout (ref ${ACTION_REF:-unknown}) is not a release commit: building it from source"
    dir="${RUNNER_TEMP}/hh-gitops-source"
    cargo build --release --locked --quiet --manifest-path "${GITHUB_ACTION_PATH}/Cargo.toml" --target-dir "${dir}/target"
    binary="${dir}/target/release/hh-gitops"
    binary_origin="hh-gitops built from source"
  fi
  check_binary "${binary}" "${binary_origin}"
  echo "Running ${version_line}"
fi

exec "${binary}" "${args[@]}"
