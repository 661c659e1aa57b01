# Fixtures shared by the tests of the core, of the built-in plugins and of the sample plugin.
pytest_plugins = ["core.testing"]
