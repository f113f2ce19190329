# One image with every imssec daemon and tool; each compose service picks
# its function with the entrypoint's first argument (tools/container/entry.sh).
#   docker build -t imssec .                          (from Debian's registry image)
#   docker build --build-arg BASE=imssec-base:bookworm -t imssec .
# where no registry is reachable: tools/container/base-image.sh makes
# imssec-base:bookworm with debootstrap.  Debian packages only.
ARG BASE=debian:bookworm-slim

FROM ${BASE} AS build
ENV DEBIAN_FRONTEND=noninteractive
COPY scripts/install-deps.sh /src/scripts/install-deps.sh
RUN /src/scripts/install-deps.sh image && rm -rf /var/lib/apt/lists/*
COPY . /src
RUN cmake -S /src -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null \
 && cmake --build /build -j"$(nproc)" --target hss hss-ctl scscf icscf \
        pcscf bsf naf xcap ims-ue imsauth cxclient imsxfrm \
 && mkdir -p /out/bin \
 && cp /build/bin/hss /build/bin/hss-ctl /build/bin/scscf /build/bin/icscf \
       /build/bin/pcscf /build/bin/bsf /build/bin/naf /build/bin/xcap \
       /build/bin/ims-ue /build/bin/imsauth /build/bin/cxclient \
       /build/bin/imsxfrm /out/bin/ \
 && strip --strip-debug /out/bin/* \
 && /src/tools/container/runtime-packages.sh /out/bin/* >/out/packages

# The PostgreSQL server of the compose profile `pg` (a shared HSS store):
# `docker build --target postgres`.
FROM ${BASE} AS postgres
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/data
COPY tools/container/postgres.sh /usr/local/bin/imssec-postgres
USER postgres
ENTRYPOINT ["/usr/local/bin/imssec-postgres"]

FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /out/packages /tmp/packages
# The libraries the programs link (found by ldd in the build stage), the
# freeDiameter extensions they load, and the ue service's tools.
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends $(cat /tmp/packages) \
        freediameter-extensions sip-tester iproute2 curl ca-certificates \
        openssl procps \
 && rm -rf /var/lib/apt/lists/* /tmp/packages \
 && useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin imssec \
 && install -d -o imssec -g imssec -m 0700 /var/lib/imssec \
 && install -d -o imssec -g imssec -m 0755 /var/lib/imssec-pki \
 && install -d -m 0755 /etc/imssec
COPY --from=build /out/bin/ /usr/local/bin/
COPY tools/container/entry.sh /usr/local/bin/imssec-entry
COPY tools/container/health.sh /usr/local/bin/imssec-health
COPY tools/container/provision.sh /usr/local/bin/imssec-provision
COPY tools/container/pki.sh /usr/local/bin/imssec-pki
COPY tools/container/conf/ /etc/imssec/
# hss-ctl finds the HSS's store without --db.
ENV HSS_DB=/var/lib/imssec/hss.db
ENTRYPOINT ["/usr/local/bin/imssec-entry"]
CMD ["help"]
