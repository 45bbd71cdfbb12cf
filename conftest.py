pytest_plugins = ["together_kit.testing.plugin"]
