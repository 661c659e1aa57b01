"""One search box across the public content of every enabled plugin."""
