# Digit Generator: build, run, test and install.
#   make run      install missing Debian packages, build in release mode, start the app
#   make test     install missing Debian packages, run every test (unit, CLI, GUI under Xvfb)
#   make install PREFIX=/usr/local    install binaries, weights, desktop file, metainfo, icons
#   make install-kiosk PREFIX=/usr/local   the same, then the exhibit's systemd unit, its session
#                 script and the example key file (README: "Running as an exhibit")
#   make data     put MNIST into data/mnist (copied from ../shared/mnist, or downloaded and verified)
#   make bench    digitgen bench inference and bench train
#   make fuzz SECONDS=N      build the libFuzzer targets and run each for N seconds (default 60)
#   make sanitize            unit tests and a scripted GUI session under ASan+LSan, then TSan

PREFIX ?= /usr/local
APP_ID := io.github.digitgen.DigitGenerator
SWIFT ?= swift
RELEASE_BIN := .build/release

# Debian packages needed to build and run, and in addition to test.
BUILD_PKGS := pkg-config libopenblas-dev zlib1g-dev libpng-dev libssl-dev libcairo2-dev libgtk-4-dev libadwaita-1-dev libgif-dev libsystemd-dev
TEST_PKGS := xvfb xauth xdotool xclip imagemagick dbus dbus-x11 desktop-file-utils appstream python3 python3-pyatspi at-spi2-core \
             openbox wmctrl cage grim xwayland systemd
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps build run test unit-test gui-test kiosk-test validate install uninstall install-kiosk install-kiosk-files uninstall-kiosk \
        data bench clean check-swift \
        fuzz fuzz-build sanitize sanitize-asan sanitize-tsan

all: build

check-swift:
	@command -v $(SWIFT) >/dev/null || { echo "error: Swift 6 toolchain not found on PATH (install it from swift.org, e.g. under /opt/swift, and add its usr/bin to PATH)"; exit 1; }

# Installs only what is missing; apt-get update runs once, only when something must be installed.
define install_missing
	@missing=""; for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi
endef

deps: check-swift
	$(call install_missing,$(BUILD_PKGS))

test-deps: deps
	$(call install_missing,$(TEST_PKGS))

build: deps
	$(SWIFT) build -c release

run: build
	$(RELEASE_BIN)/digit-generator

test: test-deps
	$(MAKE) unit-test
	$(MAKE) build
	$(MAKE) validate
	$(MAKE) gui-test
	$(MAKE) kiosk-test
	$(MAKE) fuzz SECONDS=20

unit-test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

gui-test:
	bash Tests/gui/gui-test.sh $(RELEASE_BIN)/digit-generator

# The exhibit mode: Xvfb + openbox, cage (headless) as an unprivileged user, the unit.
kiosk-test:
	bash Tests/gui/kiosk-test.sh $(RELEASE_BIN)/digit-generator

validate:
	desktop-file-validate resources/$(APP_ID).desktop
	appstreamcli validate --no-net resources/$(APP_ID).metainfo.xml
	@echo "desktop file and metainfo valid"

install: build
	install -Dm755 $(RELEASE_BIN)/digit-generator $(DESTDIR)$(PREFIX)/bin/digit-generator
	install -Dm755 $(RELEASE_BIN)/digitgen $(DESTDIR)$(PREFIX)/bin/digitgen
	install -Dm644 resources/cvae-mnist.safetensors $(DESTDIR)$(PREFIX)/share/digit-generator/cvae-mnist.safetensors
	[ ! -f resources/classifier-mnist.safetensors ] || install -Dm644 resources/classifier-mnist.safetensors $(DESTDIR)$(PREFIX)/share/digit-generator/classifier-mnist.safetensors
	install -Dm644 resources/$(APP_ID).desktop $(DESTDIR)$(PREFIX)/share/applications/$(APP_ID).desktop
	install -Dm644 resources/$(APP_ID).metainfo.xml $(DESTDIR)$(PREFIX)/share/metainfo/$(APP_ID).metainfo.xml
	install -Dm644 resources/icons/hicolor/scalable/apps/$(APP_ID).svg $(DESTDIR)$(PREFIX)/share/icons/hicolor/scalable/apps/$(APP_ID).svg
	install -Dm644 resources/icons/hicolor/symbolic/apps/$(APP_ID)-symbolic.svg $(DESTDIR)$(PREFIX)/share/icons/hicolor/symbolic/apps/$(APP_ID)-symbolic.svg

# The exhibit (digit-generator --kiosk under cage on tty1, run by systemd). The unit's paths
# are written for PREFIX=/usr/local in the source; sed puts in the real PREFIX. systemd reads
# system units from /usr/local/lib/systemd/system and /usr/lib/systemd/system (for another
# PREFIX, pass KIOSK_UNITDIR=/etc/systemd/system). An existing key file is never replaced.
# install-kiosk-files installs only the kiosk's own files (the kiosk test uses it).
KIOSK_UNITDIR ?= $(PREFIX)/lib/systemd/system
KIOSK_CONF ?= /etc/digit-generator-kiosk/digit-generator/kiosk.conf

install-kiosk: install
	$(MAKE) install-kiosk-files

install-kiosk-files:
	install -Dm755 resources/kiosk/digit-generator-kiosk-session $(DESTDIR)$(PREFIX)/libexec/digit-generator-kiosk-session
	install -d $(DESTDIR)$(KIOSK_UNITDIR)
	sed 's|/usr/local/|$(PREFIX)/|g' resources/kiosk/digit-generator-kiosk.service > $(DESTDIR)$(KIOSK_UNITDIR)/digit-generator-kiosk.service
	chmod 644 $(DESTDIR)$(KIOSK_UNITDIR)/digit-generator-kiosk.service
	install -Dm644 resources/kiosk/kiosk.conf $(DESTDIR)$(PREFIX)/share/digit-generator/kiosk.conf.example
	[ -e $(DESTDIR)$(KIOSK_CONF) ] || install -Dm644 resources/kiosk/kiosk.conf $(DESTDIR)$(KIOSK_CONF)
	@echo "installed $(DESTDIR)$(KIOSK_UNITDIR)/digit-generator-kiosk.service (ExecStart=$(PREFIX)/libexec/digit-generator-kiosk-session $(PREFIX)/bin/digit-generator)"

uninstall-kiosk: uninstall
	rm -f $(DESTDIR)$(PREFIX)/libexec/digit-generator-kiosk-session $(DESTDIR)$(KIOSK_UNITDIR)/digit-generator-kiosk.service

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/digit-generator $(DESTDIR)$(PREFIX)/bin/digitgen
	rm -rf $(DESTDIR)$(PREFIX)/share/digit-generator
	rm -f $(DESTDIR)$(PREFIX)/share/applications/$(APP_ID).desktop $(DESTDIR)$(PREFIX)/share/metainfo/$(APP_ID).metainfo.xml
	rm -f $(DESTDIR)$(PREFIX)/share/icons/hicolor/scalable/apps/$(APP_ID).svg $(DESTDIR)$(PREFIX)/share/icons/hicolor/symbolic/apps/$(APP_ID)-symbolic.svg

data:
	bash data/fetch-mnist.sh

bench: build
	$(RELEASE_BIN)/digitgen bench inference
	$(RELEASE_BIN)/digitgen bench train

# libFuzzer targets: one executable per directory of Tests/fuzz/targets (seeds in
# Tests/fuzz/corpus/NAME), built with -sanitize=fuzzer,address into their own scratch path.
# Adding a target: Tests/fuzz/targets/NAME/main.swift, seeds, and NAME on the next line.
FUZZ_TARGETS := weights prior classifier idx png gif viewtext viewpng handwriting
SECONDS ?= 60
FUZZ_FLAGS := -c debug --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address \
              -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld

fuzz-build: deps
	for t in $(FUZZ_TARGETS); do DIGITGEN_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product fuzz-$$t || exit 1; done

fuzz: fuzz-build
	bash Tests/fuzz/run.sh $(SECONDS) $(FUZZ_TARGETS)

# Unit tests, CLI tests and a scripted GUI session under ASan+LSan, then under TSan; fails on
# any report with a frame in our code (suppressions for system libraries: Tests/sanitize/).
sanitize: test-deps
	$(MAKE) sanitize-asan
	$(MAKE) sanitize-tsan

sanitize-asan:
	SWIFT=$(SWIFT) bash Tests/sanitize/run.sh asan

sanitize-tsan:
	SWIFT=$(SWIFT) bash Tests/sanitize/run.sh tsan

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan
