# hubwire: `make run` starts everything, `make test` runs everything. Both set themselves up.
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PORT   ?= 8000

.PHONY: install run test test-busy test-sqlite test-services browser bench clean

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "hubwire needs Python 3.12+ (found " + sys.version.split()[0] + ")")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# The provider sandbox is on unless HUBWIRE_SANDBOX says otherwise.
run: install
	HUBWIRE_SANDBOX=$${HUBWIRE_SANDBOX:-1} $(BIN)/hubwire run --port $(PORT)

# Debian's chromium for the browser tests (never a browser download of Playwright's own), and the
# pinned axe-core from the npm registry that the accessibility tests run in it.
browser:
	@scripts/ensure-chromium.sh
	@scripts/ensure-axe.sh

# The whole suite on SQLite + the SQLite broker, then again on PostgreSQL + Redis when they answer
# on 127.0.0.1 (a missing service fails the run when HUBWIRE_REQUIRE_SERVICES=1).
test: install browser
	scripts/test.sh

# The same beside two CPU hogs: no test may depend on how fast the machine is.
test-busy: install browser
	scripts/busy-test.sh

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
