#!/usr/bin/env bash
# Builds rinse's release artefacts into dist/ (gitignored) and checks each:
#
#   rinse-VERSION-x86_64-unknown-linux-musl.tar.gz
#       the `rinse` binary linked statically against musl (jemalloc included),
#       so it starts on any x86_64 Linux whatever its glibc (a gnu build needs
#       glibc 2.34: not RHEL 8, Amazon Linux 2, Ubuntu 20.04), with its man
#       page, shell completions, README and licenses;
#   rinse_text-VERSION-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl
#       the Python package, one wheel for CPython 3.9 and later on any glibc
#       2.17+ Linux (pyo3's abi3-py39; linked with zig against glibc 2.17);
#   rinse_text-VERSION.tar.gz
#       the Python source distribution (pip builds it where no wheel fits);
#   SHA256SUMS
#
#   scripts/release.sh            # all of it
#   scripts/release.sh binary     # the musl binary only
#   scripts/release.sh python     # the wheel and the sdist only
#
# Needs rustup's x86_64-unknown-linux-musl target and musl-gcc (Debian/Ubuntu:
# apt-get install musl-tools) for jemalloc's and zstd's C code; maturin and zig
# are installed, pinned, into .venv-release. It builds with the release profile
# (fat LTO): for a quicker trial build, set CARGO_PROFILE_RELEASE_LTO=false
# CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16. Not run by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
case $what in all | binary | python) ;; *)
    echo "usage: scripts/release.sh [all|binary|python]" >&2
    exit 2
    ;;
esac
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
target=x86_64-unknown-linux-musl
dist=dist
venv=.venv-release
mkdir -p "$dist"
start=$SECONDS
step() { printf '== %s (%ss)\n' "$1" "$((SECONDS - start))"; }
die() {
    echo "release.sh: $*" >&2
    exit 1
}
smoke_dir=$(mktemp -d)
trap 'rm -rf "$smoke_dir"' EXIT
nsamples=$(find samples -maxdepth 1 -type f -name '*.txt' | wc -l)

binary() {
    step "static binary for $target"
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    command -v musl-gcc >/dev/null ||
        die "musl-gcc is needed for jemalloc's C code (apt-get install musl-tools)"
    cargo build --release --locked --target "$target" --bin rinse
    local bin=target/$target/release/rinse
    # Static: no interpreter, no shared libraries.
    file "$bin"
    file "$bin" | grep -Eq 'static(-pie)? linked|statically linked' || die "$bin is not static"
    if ldd "$bin" 2>&1 | grep -q '=>'; then die "$bin loads shared libraries: $(ldd "$bin")"; fi
    # It runs: the shipped samples, one record each.
    "$bin" clean samples/ -o "$smoke_dir/samples.jsonl" 2>/dev/null
    [ "$(wc -l <"$smoke_dir/samples.jsonl")" -eq "$nsamples" ] || die "$bin clean samples/: wrong record count"

    local name=rinse-$version-$target
    local dir=$smoke_dir/$name
    mkdir -p "$dir/completions"
    cp README.md LICENSE-MIT LICENSE-APACHE "$dir/"
    # Without its symbol table (the release profile keeps it): about 3.5 MB less.
    strip -o "$dir/rinse" "$bin"
    "$dir/rinse" --version
    "$bin" man >"$dir/rinse.1"
    "$bin" completions bash >"$dir/completions/rinse.bash"
    "$bin" completions zsh >"$dir/completions/_rinse"
    "$bin" completions fish >"$dir/completions/rinse.fish"
    tar -C "$smoke_dir" --owner=0 --group=0 -czf "$dist/$name.tar.gz" "$name"
    ls -l "$bin" "$dir/rinse" "$dist/$name.tar.gz"
}

python() {
    step "Python wheel and sdist (maturin, zig)"
    # ziglang < 0.14: zig 0.14 brought a UBSan runtime that breaks maturin's
    # zig linking (PyO3/maturin-action#335).
    [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        'maturin==1.9.6' 'ziglang==0.13.0.post1' 'auditwheel==6.8.2'
    rm -f "$dist"/rinse_text-"$version"-*.whl "$dist/rinse_text-$version.tar.gz"
    PATH="$PWD/$venv/bin:$PATH" "$venv/bin/maturin" build --release --locked \
        --compatibility manylinux2014 --zig --out "$dist"
    "$venv/bin/maturin" sdist --out "$dist"
    local wheel
    wheel=$(ls "$dist"/rinse_text-"$version"-cp39-abi3-manylinux*_x86_64.whl) ||
        die "no cp39-abi3 manylinux wheel in $dist"
    "$venv/bin/auditwheel" show "$wheel"
    "$venv/bin/auditwheel" show "$wheel" | grep -q 'manylinux_2_17_x86_64' ||
        die "$wheel is not manylinux_2_17 (manylinux2014) compatible"
    # It installs and imports in a clean environment.
    python3 -m venv "$smoke_dir/venv"
    "$smoke_dir/venv/bin/python" -m pip install -q --disable-pip-version-check --no-deps "$wheel"
    (cd "$smoke_dir" && "$smoke_dir/venv/bin/python" -c '
import rinse
r = rinse.clean("Council approves budget\n\nThe city council approved the budget on Tuesday after a long debate.\n")
assert r["title"] == "Council approves budget", r
print("import rinse:", rinse.__version__, "ok")')
    ls -l "$wheel" "$dist/rinse_text-$version.tar.gz"
}

[ "$what" = python ] || binary
[ "$what" = binary ] || python
step "checksums"
(cd "$dist" && shopt -s nullglob && sha256sum -- *.tar.gz *.whl >SHA256SUMS && cat SHA256SUMS)
step "done: $dist/"
