"""Sample articles written for this project, bundled for `make demo` and the tests."""
