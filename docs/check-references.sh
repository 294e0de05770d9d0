#!/bin/sh
# Every reference in the documentation resolves from the repository alone:
#  - no path on a developer's machine (/work/..., /home/..., /root/...);
#  - no DESIGN.md or seeds/ unless they are in the repository;
#  - a page (docs/*.md, the READMEs) that cites the papers by tag ("000 eq. (24)", "003 Fig. 5")
#    says that the tags refer to docs/references.md, and references.md lists every tag used;
#  - relative Markdown links and `docs/NAME.md` mentions name files that exist.
# Also scans the public headers and the library and tool sources for the first two.
# usage: check-references.sh SOURCE_ROOT
#        check-references.sh --selftest SOURCE_ROOT  (the check fails on planted defects)
set -u
if [ "$1" = --selftest ]; then
    src=$(cd "$2" && pwd) self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    bad=0
    plant() { # NAME FILE TEXT: a copy of the tree with TEXT appended to FILE must fail
        rm -rf "$tmp/t" && mkdir "$tmp/t" && mkdir -p "$tmp/t/bindings/python"
        cp -R "$src/docs" "$src/include" "$src/lib" "$src/tools" "$src/README.md" "$src/CHANGELOG.md" "$tmp/t/"
        cp "$src/bindings/python/README.md" "$tmp/t/bindings/python/"
        printf '%s\n' "$3" >> "$tmp/t/$2"
        if sh "$self" "$tmp/t" > "$tmp/out" 2>&1; then
            echo "FAIL: not detected: $1"; bad=$((bad + 1))
        else
            echo "ok: detected: $1 ($(grep -m 1 FAIL "$tmp/out"))"
        fi
    }
    rm -rf "$tmp/t" && mkdir -p "$tmp/t/bindings/python"
    cp -R "$src/docs" "$src/include" "$src/lib" "$src/tools" "$src/README.md" "$src/CHANGELOG.md" "$tmp/t/"
    cp "$src/bindings/python/README.md" "$tmp/t/bindings/python/"
    sh "$self" "$tmp/t" > /dev/null || { echo "FAIL: the unchanged copy does not pass"; bad=$((bad + 1)); }
    plant "a path on a machine" docs/file-formats.md "See /work/shared/seeds/000.txt."
    plant "DESIGN.md" docs/guide.md "As DESIGN.md says."
    plant "a tag cited without docs/references.md" docs/file-formats.md "As in 000 eq. (24)."
    plant "a tag missing from references.md" docs/guide.md "As in 007 eq. (1)."
    plant "a link to a missing page" docs/guide.md "See [there](nowhere.md)."
    plant "a docs/ page that does not exist" README.md "See docs/nowhere.md."
    plant "a machine path in a header" include/memnet/core.h "/* /home/someone/notes */"
    [ $bad -eq 0 ] || exit 1
    echo "the reference check detects every planted defect"
    exit 0
fi
root=$(cd "$1" && pwd)
cd "$root"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pages=$(ls docs/*.md README.md bindings/python/README.md CHANGELOG.md 2> /dev/null)
code=$(find include lib tools -name '*.[ch]' -o -name '*.in' | sort)

# 1. machine paths, DESIGN.md, seeds/
grep -nE '/(work|home|root)/[A-Za-z]' $pages $code > /tmp/.mn-refs.$$ 2>/dev/null &&
    { sed 's/^/  /' /tmp/.mn-refs.$$; fail "paths on a machine (above)"; }
if [ ! -f DESIGN.md ]; then
    grep -nE 'DESIGN(\.md| sec)' $pages $code > /tmp/.mn-refs.$$ 2>/dev/null &&
        { sed 's/^/  /' /tmp/.mn-refs.$$; fail "DESIGN.md is not in the repository (above)"; }
fi
if [ ! -d seeds ]; then
    grep -nE '(^|[^a-z_])seeds/' $pages $code > /tmp/.mn-refs.$$ 2>/dev/null &&
        { sed 's/^/  /' /tmp/.mn-refs.$$; fail "seeds/ is not in the repository (above)"; }
fi
rm -f /tmp/.mn-refs.$$

# 2. tags 000-004
[ -f docs/references.md ] || fail "docs/references.md is missing"
tagre='(^|[^0-9.:])00[0-9]( eqs?\.?| [Ee]q| Fig| Table| sec| Tab| Type| ref|\)|,| and| Supp)'
used=""
for p in $pages; do
    [ "$p" = docs/references.md ] && continue
    [ "$p" = CHANGELOG.md ] && continue
    if grep -qE "$tagre" "$p"; then
        grep -q 'references\.md' "$p" || fail "$p cites 000-004 but does not point to docs/references.md"
        used="$used $(grep -oE "$tagre" "$p" | grep -oE '00[0-9]' | sort -u | tr '\n' ' ')"
    fi
done
for t in $(echo "$used" | tr ' ' '\n' | sort -u); do
    grep -qE "^\| $t \| .*(DOI|arXiv)" docs/references.md ||
        fail "tag $t is cited but docs/references.md has no row '| $t | ...' with a DOI or arXiv id"
done

# 3. relative links and docs/NAME.md mentions (not in CHANGELOG.md: history may name files of
#    its time)
for p in $pages; do
    [ "$p" = CHANGELOG.md ] && continue
    dir=$(dirname "$p")
    for t in $(grep -oE '\]\([^)#[:space:]]+' "$p" | sed 's/^](//' | grep -vE '^[a-z]+:'); do
        [ -e "$dir/$t" ] || fail "$p: link to $t, which does not exist"
    done
    for t in $(grep -oE 'docs/[A-Za-z0-9_-]+\.md' "$p" | sort -u); do
        [ -e "$t" ] || fail "$p: mentions $t, which does not exist"
    done
done

[ $fails -eq 0 ] || { echo "$fails dangling reference(s)"; exit 1; }
echo "every reference resolves in the repository ($(echo $pages | wc -w) pages)"
