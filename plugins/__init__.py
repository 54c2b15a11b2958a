"""The suite's own pytest plugins, one layer each, loaded by the root conftest.py."""
