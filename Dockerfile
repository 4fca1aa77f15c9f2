FROM python:3.11-slim
# Pango and a font with a pound sign, for the PDF letters (WeasyPrint)
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY importers ./importers
COPY reports ./reports
COPY migrations ./migrations
RUN pip install --no-cache-dir .
# the erasure ledger's volume (docker-compose.yml), writable by the service's user
RUN mkdir -p /var/lib/dpaudit && chown nobody /var/lib/dpaudit
USER nobody
EXPOSE 8000
CMD ["dpaudit", "serve", "--host", "0.0.0.0", "--port", "8000"]
