# syntax=docker/dockerfile:1
# sohoa in production: one image for the API (`sohoa serve`), the workers (`sohoa worker`) and the
# one-shot migration (`sohoa db upgrade`). docker-compose.yml builds it and sets the configuration;
# the image holds no configuration and no secret.
#
#   docker build -t sohoa:latest .
#   docker run --rm sohoa:latest --help
#
# tests/test_compose.py checks this file against pyproject.toml, scripts/setup.sh and the code.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- build: the project and its dependencies in a virtual environment ---------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/sohoa
WORKDIR /src
# tesserocr is compiled against Debian's libtesseract, the one the runtime's tesseract-ocr installs (its
# manylinux wheel bundles another version, which reads pages differently); every other dependency has a
# manylinux wheel.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libtesseract-dev libleptonica-dev g++ pkg-config \
 && rm -rf /var/lib/apt/lists/*
# The dependencies first, from pyproject.toml alone, so that a change of code does not reinstall them.
COPY pyproject.toml README.md ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
 && /opt/sohoa/bin/pip install --upgrade pip \
 && /opt/sohoa/bin/pip install --no-binary tesserocr -r /tmp/requirements.txt
# The packages pyproject.toml installs ([tool.setuptools.packages.find]); not editable, no tests.
COPY schemas/ schemas/
COPY pipeline/ pipeline/
COPY store/ store/
COPY workers/ workers/
COPY api/ api/
COPY cli/ cli/
COPY corpus/ corpus/
COPY pki/ pki/
RUN /opt/sohoa/bin/pip install --no-deps .

# ---- runtime --------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
# What scripts/setup.sh installs for running (its test-only packages, SoftHSM2, OpenSC, qpdf,
# Ghostscript and Chromium, stay out), and what a bare slim image lacks.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      tesseract-ocr tesseract-ocr-vie tesseract-ocr-osd \
      poppler-utils \
      fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core \
      jbig2dec \
      fontconfig \
      tzdata \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# fontconfig: fc-list finds the fonts with Vietnamese glyphs (stamps, printed copies);
# tzdata: signing times in Asia/Ho_Chi_Minh; ca-certificates: the TSA, OCSP, JWKS and callbacks over https.

# A user of its own, no login, no root; its home holds SOHOA_DATA_DIR (upload spool, font cache).
ARG SOHOA_UID=10001
RUN groupadd --system --gid "${SOHOA_UID}" sohoa \
 && useradd --system --uid "${SOHOA_UID}" --gid sohoa --home-dir /var/lib/sohoa --shell /usr/sbin/nologin sohoa \
 && install -d -o sohoa -g sohoa -m 0750 /var/lib/sohoa

COPY --from=build /opt/sohoa /opt/sohoa

ENV PATH=/opt/sohoa/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    LANG=C.UTF-8 \
    TZ=Asia/Ho_Chi_Minh \
    SOHOA_DATA_DIR=/var/lib/sohoa \
    SOHOA_API__PORT=8000

USER ${SOHOA_UID}:${SOHOA_UID}
WORKDIR /var/lib/sohoa
EXPOSE 8000

# The API's liveness (GET /healthz); docker-compose.yml gives the workers a check of their own.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SOHOA_API__PORT', '8000'), timeout=4)"]

ENTRYPOINT ["sohoa"]
# Serving on 0.0.0.0 is refused unless SOHOA_ENVIRONMENT=production and every secret and key is set.
CMD ["serve", "--host", "0.0.0.0"]
