# syntax=docker/dockerfile:1
# oncehub-mcp: a static binary on a distroless base, running as non-root.
#   docker build --build-arg VERSION=v0.1.0 -t oncehub-mcp .
#   docker run --rm -p 8080:8080 oncehub-mcp                    # HTTP (callers send API-Key)
#   docker run --rm -p 8080:8080 oncehub-mcp http --demo        # HTTP demo sandbox
#   docker run --rm -i --no-healthcheck -e ONCEHUB_API_KEY oncehub-mcp stdio

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/oncehub-mcp .

# distroless/static has CA certificates and time zone data, and no shell.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.source="https://github.com/oncehub-mcp/oncehub-mcp" \
      org.opencontainers.image.description="MCP server for the OnceHub scheduling API" \
      io.modelcontextprotocol.server.name="io.github.oncehub-mcp/oncehub-mcp"
COPY --from=build /out/oncehub-mcp /oncehub-mcp
USER nonroot:nonroot
ENV ONCEHUB_MCP_ADDR=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=5s --retries=3 CMD ["/oncehub-mcp", "healthcheck"]
ENTRYPOINT ["/oncehub-mcp"]
CMD ["http"]
