# Sourced by ./pushgate (bash). Tested by infra/standalone's ClassDataSharingScriptTests.
#
# Class-data sharing (AppCDS; docs/PERFORMANCE.md, "Start"): the JVM loads classes from a jar extracted
# next to the executable one (classes inside nested jars cannot be archived), and the first run of a
# build writes an archive of every class it loaded when it stops; later runs map that archive instead
# of loading, verifying and linking those classes again (a start here: 25 → 14 CPU-seconds, 14 → 8 s).
# Prints the jar to run: the extracted one, or $1 itself when extracting fails.
extracted_jar() {
  local jar="$1" dir out tmp
  dir="$(dirname "$jar")/cds"
  out="$dir/$(basename "$jar")"
  if [[ -f "$out" ]] && [[ "$out" -nt "$jar" ]]; then
    echo "$out"
    return
  fi
  tmp="$(mktemp -d "$(dirname "$jar")/cds-XXXXXX")"
  if java -Djarmode=tools -jar "$jar" extract --destination "$tmp" >/dev/null 2>&1 && [[ -f "$tmp/$(basename "$jar")" ]]; then
    touch "$tmp/$(basename "$jar")"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    echo "$out"
  else
    rm -rf "$tmp"
    echo "pushgate: warning: could not extract $jar; starting without class-data sharing" >&2
    echo "$jar"
  fi
}

# Whether a JVM maps the archive $1 with the classes of jar $2 (made by this JDK, for this jar, whole).
cds_usable() {
  local log="${TMPDIR:-/tmp}/pushgate-cds-check-$$.log"
  if java -XX:SharedArchiveFile="$1" -Xshare:on -XX:ErrorFile="$log" -cp "$2" -version >/dev/null 2>&1; then
    return 0
  fi
  rm -f "$log"
  return 1
}

# The JVM options (words to split) that map the archive of $1 (an extracted jar), or make this run write it
# when it stops.
# A run writes to <archive>.<its pid>; the next start adopts the file once that process is gone and a JVM
# maps it: a run killed while writing leaves a file that would crash the JVM mapping it, and an archive
# of another JDK is refused.
cds_options() {
  local jar="$1" archive="${1%.jar}.jsa" written pid
  for written in "$archive".*; do
    [[ -f "$written" ]] || continue
    pid="${written##*.}"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
      continue
    fi
    if cds_usable "$written" "$jar"; then
      mv -f "$written" "$archive"
    else
      rm -f "$written"
    fi
  done
  if [[ -f "$archive" ]] && [[ "$archive" -nt "$jar" ]] && cds_usable "$archive" "$jar"; then
    echo "-XX:SharedArchiveFile=$archive"
  else
    rm -f "$archive"
    # the archive's own warnings (one per class that fails verification or is not linked: ~240 lines on the
    # terminal at the first stop after a build) go nowhere: an archive not whole is never used anyway
    echo "-XX:ArchiveClassesAtExit=$archive.$$ -Xlog:cds=off -Xlog:cds+dynamic=off"
  fi
}
