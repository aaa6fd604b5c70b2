# Galley: one GNU Makefile, libraries through pkg-config, warnings as errors.
# make            build build/galley
# make run        install what is missing, build, create ./site, serve it
# make test       install what is missing, build, run every test
# make asan       the same tests against an ASan+UBSan build in build/asan/
# make bench      bench/article.sh (wrk, galley vs nginx on the same bytes)
# make bench-spam bench/spam.sh (the spam filter vs bogofilter, same splits)
# make e2e        the end-to-end tests alone, in Chromium (tests/e2e)

PKGS     = libmicrohttpd libcurl sqlite3 libpq md4c md4c-html libsodium jansson \
	   libpcre2-8 libturbojpeg libexif libpng libgif libwebp libwebpdemux \
	   libwebpmux lcms2 libxml-2.0 gmime-3.0 libbrotlienc zlib libsystemd libarchive
TESTPKGS = libbrotlidec
CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -Wall -Wextra -Werror
PKGCFLAGS := $(shell pkg-config --cflags $(PKGS) $(TESTPKGS) 2>/dev/null)
LIBS      := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
TESTLIBS  := $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

B       ?= build
SRCS     = $(filter-out src/main.c,$(wildcard src/*.c))
OBJS     = $(SRCS:src/%.c=$(B)/obj/%.o) $(B)/obj/embedded.o
TESTS    = $(patsubst tests/%.c,$(B)/tests/%,$(wildcard tests/test_*.c)) \
	   $(patsubst fuzz/%.c,$(B)/tests/%,$(wildcard fuzz/fuzz_*.c))
EMBEDDED = $(sort $(wildcard themes/default/* demo/* po/*.po))

all: $(B)/galley

$(B)/obj/%.o: src/%.c $(wildcard src/*.h) | $(B)/obj
	$(CC) $(WARN) $(CFLAGS) $(PKGCFLAGS) -Isrc -c -o $@ $<

$(B)/embedded.c: scripts/embed.sh $(EMBEDDED) | $(B)/obj
	sh scripts/embed.sh $(EMBEDDED) > $@.tmp && mv $@.tmp $@

$(B)/obj/embedded.o: $(B)/embedded.c src/embed.h
	$(CC) $(WARN) $(CFLAGS) -Isrc -c -o $@ $<

$(B)/libgalley.a: $(OBJS)
	rm -f $@ && ar rcs $@ $(OBJS)

$(B)/galley: $(B)/obj/main.o $(B)/libgalley.a
	$(CC) $(CFLAGS) -o $@ $^ $(LIBS)

$(B)/tests/http.o: tests/http.c tests/http.h src/buf.h | $(B)/tests
	$(CC) $(WARN) $(CFLAGS) $(PKGCFLAGS) -Isrc -Itests -c -o $@ $<

$(B)/tests/%: tests/%.c tests/check.h $(B)/tests/http.o $(B)/libgalley.a
	$(CC) $(WARN) $(CFLAGS) $(PKGCFLAGS) -Isrc -Itests -o $@ $< \
	    $(B)/tests/http.o $(B)/libgalley.a $(LIBS) $(TESTLIBS)

# Fuzz targets: replayed over fuzz/corpus/NAME by make test; fuzzed for
# real by make fuzz (clang's libFuzzer), which adds what it finds.
$(B)/tests/fuzz_%: fuzz/fuzz_%.c fuzz/replay.c $(B)/libgalley.a | $(B)/tests
	$(CC) $(WARN) $(CFLAGS) $(PKGCFLAGS) -Isrc -o $@ $< fuzz/replay.c \
	    $(B)/libgalley.a $(LIBS)

FUZZ_SECONDS ?= 60
fuzz: deps
	$(MAKE) build/fuzz/libgalley.a B=build/fuzz CC=clang \
	    CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined"
	for t in $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c)); do \
	    clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	    $(PKGCFLAGS) -Isrc -o build/fuzz/$$t fuzz/$$t.c \
	    build/fuzz/libgalley.a $(LIBS) && \
	    build/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) \
	    fuzz/corpus/$${t#fuzz_} || exit 1; done

# bench/scale.sh's site builder, on the store like everything else.
$(B)/bench/fill: bench/fill.c $(B)/libgalley.a | $(B)/bench
	$(CC) $(WARN) $(CFLAGS) $(PKGCFLAGS) -Isrc -o $@ $< \
	    $(B)/libgalley.a $(LIBS)

$(B)/obj $(B)/tests $(B)/bench:
	mkdir -p $@

tests: $(B)/galley $(TESTS)

deps:
	@sh scripts/deps.sh

check: tests
	sh tests/run.sh $(B)

# The build as parallel as the machine (CI calls plain `make test`).
NPROC   := $(shell nproc 2>/dev/null || echo 2)

test: deps
	$(MAKE) -j$(NPROC) check

asan: deps
	$(MAKE) -j$(NPROC) check B=build/asan \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"

# deps first, then a fresh make: pkg-config must see what deps installed.
run: deps
	$(MAKE) all
	@test -d site || ./$(B)/galley init site --demo
	./$(B)/galley serve site

bench: deps
	$(MAKE) all
	sh bench/article.sh

e2e: deps
	$(MAKE) all
	cd tests/e2e && npm ci --no-audit --no-fund
	node tests/e2e/run.mjs $(B)/galley

bench-spam: deps
	$(MAKE) all
	sh bench/spam.sh

clean:
	rm -rf build

.PHONY: all tests deps check test asan run bench bench-spam e2e fuzz clean
