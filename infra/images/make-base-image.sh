#!/usr/bin/env bash
# Makes the local base image for Pushgate's services: a Docker image archive (what `docker save`
# writes, what Jib reads as a tar:// base) holding a Java runtime made from this machine's JDK with
# jlink, the shared libraries it needs from this machine, and a nonroot user (65532, as distroless
# has it). It stands in for the production base (pushgate.image.base, a registry image pinned by
# digest) where no registry can be reached, so that every build can make and test the images.
#   make-base-image.sh OUT.tar
# Linux only (it copies this machine's glibc); made once, again only when this script or the JDK
# changes.
set -euo pipefail

out="$1"
script="${BASH_SOURCE[0]}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"

if [[ "$(uname -s)" != Linux ]]; then
  echo "make-base-image.sh: a Linux base can only be made on Linux; skipping" >&2
  exit 0
fi
if [[ -f "$out" && "$out" -nt "$script" && "$out" -nt "$java_home/release" ]]; then
  exit 0
fi
mkdir -p "$(dirname "$out")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
jre=/usr/lib/jvm/pushgate-jre

# The modules a Spring Boot service with Netty, R2DBC, Flyway/JDBC, Tink, firebase-admin and pushy
# uses: all of Java SE plus what Netty (jdk.unsupported), elliptic-curve TLS, DNS and JFR need.
modules=java.se,jdk.unsupported,jdk.management,jdk.management.agent,jdk.naming.dns,jdk.zipfs,jdk.jfr,jdk.localedata,jdk.crypto.cryptoki,jdk.net,jdk.httpserver
if "$java_home/bin/java" --list-modules | grep -q '^jdk.crypto.ec@'; then
  modules="$modules,jdk.crypto.ec"
fi
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --output "$rootfs$jre" 2>/dev/null

# the shared libraries the runtime links against, and the dynamic loader, from this machine
find "$rootfs$jre" -type f \( -name '*.so' -o -path '*/bin/*' \) -print0 |
  xargs -0 -n 50 ldd 2>/dev/null |
  awk '/=> \// { print $3 } /^[[:space:]]*\/[^ ]+ \(0x/ { print $1 }' |
  sort -u |
  while read -r library; do
    cp -L --parents "$library" "$rootfs/"
  done
# glibc looks hosts and users up through these modules when they are not built in
for nss in /lib/*/libnss_files.so.2 /lib/*/libnss_dns.so.2 /usr/lib/*/libnss_files.so.2 /usr/lib/*/libnss_dns.so.2; do
  [[ -e "$nss" ]] && cp -L --parents "$nss" "$rootfs/"
done

mkdir -p "$rootfs/etc" "$rootfs/usr/bin" "$rootfs/home/nonroot" "$rootfs/tmp"
chmod 1777 "$rootfs/tmp"
ln -s "$jre/bin/java" "$rootfs/usr/bin/java"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$rootfs/etc/group"
printf 'hosts: files dns\n' > "$rootfs/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$rootfs/etc/hosts"

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime='@0' -C "$rootfs" -cf "$work/layer.tar" .
diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
case "$(uname -m)" in
  x86_64) arch=amd64 ;;
  aarch64) arch=arm64 ;;
  *) arch="$(uname -m)" ;;
esac
version="$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.runtime.version/ { print $2 }')"
cat > "$work/config.json" <<JSON
{"architecture":"$arch","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"65532:65532","WorkingDir":"/","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$jre","LANG=C.UTF-8"],
  "Labels":{"io.pushgate.base":"local: jlink of Java $version from this machine"}},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"infra/images/make-base-image.sh"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["pushgate-base:local"],"Layers":["layer.tar"]}]\n' > "$work/manifest.json"
tar --numeric-owner --owner=0 --group=0 -C "$work" -cf "$out.partial" manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "Made the local base image $out (Java $version, $(du -h "$out" | cut -f1))"
