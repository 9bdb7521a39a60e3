# Sourced by the CI scripts. Prints those of the given Debian packages that are not installed.
# `dpkg -s` is not enough: it succeeds for a package that was removed but left its configuration
# files behind ("deinstall ok config-files"), whose programs are gone.
missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -qx 'install ok installed' || echo "$pkg"
  done
}
