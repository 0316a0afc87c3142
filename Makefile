# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo generate check-generated test lint oldest-go nocgo fuzz bench soak services chromium pgbouncer

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

## demo: generate code from schema.example.yaml and run the demo program
demo: generate
	@bash scripts/services.sh >/dev/null 2>&1 || echo "(Postgres/Redis could not be started; the demo will use an SQLite file)"
	go run ./examples/demo

## generate: regenerate generated/ and schema.example.md from schema.example.yaml
generate:
	go run ./cmd/sysconfig-gen -schema schema.example.yaml -out generated -package generated
	go run ./cmd/sysconfig-gen docs -schema schema.example.yaml -o schema.example.md

## check-generated: fail if generated/ is stale
check-generated:
	go run ./cmd/sysconfig-gen check -schema schema.example.yaml -out generated -package generated
	go run ./cmd/sysconfig-gen docs -schema schema.example.yaml -o schema.example.md -check

## test: start the services and PgBouncer, install Chromium and PgBouncer if missing, lint, build without cgo, run every test with the race detector, check with a fake validator that every consumer reads the validator table, then fuzz each target briefly
test: services chromium pgbouncer lint oldest-go nocgo
	go test -race -count=1 ./...
	go test -race -count=1 -tags sysconfig_fakevalidator ./internal/vocabcheck/
	@$(MAKE) --no-print-directory fuzz

## fuzz: run each fuzz target for FUZZTIME (50000x executions; FUZZTIME=10m for a longer hunt); a crasher lands in the package's testdata/fuzz and stays as a regression case
# A count, not a duration: Go 1.26's fuzzer can fail a timed run at its very end with a spurious
# "context deadline exceeded" (go.dev/issue/75804, fixed in Go 1.27).
FUZZTIME ?= 50000x
FUZZ_TARGETS := ./runtime/value:FuzzValueRoundTrip ./schema:FuzzParse ./runtime/rediscache:FuzzParse \
	./runtime/rediscache:FuzzRoundTrip ./runtime/keyring:FuzzOpen
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		pkg=$${target%%:*}; name=$${target##*:}; \
		echo "go test -run '^$$' -fuzz '^$$name\$$' -fuzztime $(FUZZTIME) $$pkg"; \
		go test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

## lint: gofmt, go vet and staticcheck
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed on:"; echo "$$unformatted"; exit 1; fi
	go vet ./...
	go run $(STATICCHECK) ./...

## oldest-go: build and vet everything, tests included, with the oldest Go that go.mod allows
# The go command fetches that toolchain from the module proxy once (about 76 MB).
OLDEST_GO := $(shell sed -n 's/^go //p' go.mod)
oldest-go:
	GOTOOLCHAIN=go$(OLDEST_GO) go vet ./...

## nocgo: build everything without cgo, as a single static binary on the SQLite store is built
nocgo:
	CGO_ENABLED=0 go build ./...

## bench: every performance figure beside its target (PASS/MISS), in one run on the local servers
bench: services
	go run ./internal/bench

## soak: a randomized fault soak on a private PostgreSQL and Redis (DURATION=2m; SOAK_FLAGS="-seed N" replays); exit 1 on a violation
DURATION ?= 2m
soak:
	go run ./internal/soak -duration $(DURATION) $(SOAK_FLAGS)

## services: start local PostgreSQL and Redis if installed but stopped
services:
	@bash scripts/services.sh

## pgbouncer: install Debian's pgbouncer if missing and start a private one in transaction pooling mode on 127.0.0.1:6432, in front of the test PostgreSQL
pgbouncer: services
	@bash scripts/pgbouncer.sh

## chromium: install Debian's chromium, which the admin page's browser tests drive headless, if no Chromium is found
chromium:
	@bash scripts/chromium.sh
