#!/usr/bin/env bash
# Times README's two commands, for the figures README gives.
#   tools/time-commands.sh          with the tools installed: a second `make build`
#                                   and a second `make serve` until the page answers,
#                                   each with nothing changed since the first.
#   tools/time-commands.sh fresh    a clean clone with empty Cargo and npm homes (the
#                                   Rust toolchain and apt packages stay): each step of
#                                   the first `make serve` and the first `make test`.
# Prints one line per figure; takes the port 8080 while it serves.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="${1:-second}"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# Starts `make serve` in $1 and prints the seconds until the page and its module answer.
time_serve() {
  local dir="$1" start pid
  start="$(now)"
  (cd "$dir" && exec setsid make serve >"$dir/serve.log" 2>&1) &
  pid=$!
  until node -e "
    const get = (p) => fetch('http://127.0.0.1:8080' + p).then((r) => r.ok ? r.text() : Promise.reject(r.status));
    get('/').then((html) => get('/' + html.match(/[^\"']*_bg\.wasm/)[0].replace(/^\.?\//, '')))
      .then(() => process.exit(0), () => process.exit(1));" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "make serve stopped; its log:" >&2
      cat "$dir/serve.log" >&2
      return 1
    fi
    sleep 0.2
  done
  seconds "$start" "$(now)"
  kill -- -"$(ps -o pgid= "$pid" | tr -d ' ')" 2>/dev/null || kill "$pid"
  wait "$pid" 2>/dev/null || true
}

# Runs `make $2` in $1 and prints the seconds it took.
time_make() {
  local dir="$1" start
  shift
  start="$(now)"
  (cd "$dir" && make "$@" >"$dir/make-$1.log" 2>&1) || {
    echo "make $* failed; the end of its log:" >&2
    tail -40 "$dir/make-$1.log" >&2
    return 1
  }
  seconds "$start" "$(now)"
}

case "$mode" in
  second)
    time_make "$root" build >/dev/null
    before="$(sha256sum "$root"/dist/*_bg.wasm | cut -d' ' -f1)"
    echo "second make build: $(time_make "$root" build) s"
    [ "$(sha256sum "$root"/dist/*_bg.wasm | cut -d' ' -f1)" = "$before" ] &&
      echo "the bundle's module is byte-identical: $before"
    echo "second make serve, until the page answers: $(time_serve "$root") s"
    ;;
  fresh)
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    git clone --quiet "$root" "$work/descent"
    mkdir -p "$work/home/bin"
    for tool in cargo rustc rustup rustfmt cargo-fmt cargo-clippy clippy-driver rustdoc; do
      ln -s "$(command -v "$tool")" "$work/home/bin/$tool"
    done
    export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
    export HOME="$work/home" CARGO_HOME="$work/home/.cargo" npm_config_cache="$work/home/.npm"
    export PATH="$work/home/bin:/usr/local/bin:/usr/bin:/bin"
    dir="$work/descent"
    echo "fresh: tools for building (Trunk, wasm-bindgen, npm's packages, the crates): $(time_make "$dir" setup-build) s"
    echo "fresh: first build of the bundle: $(time_make "$dir" build) s"
    echo "fresh: first make serve after that, until the page answers: $(time_serve "$dir") s"
    echo "fresh: tools for testing (apt; already there when these packages are installed): $(time_make "$dir" setup-test) s"
    echo "fresh: make test after the set-up: $(time_make "$dir" test) s"
    ;;
  *)
    echo "usage: $0 [second|fresh]" >&2
    exit 2
    ;;
esac
