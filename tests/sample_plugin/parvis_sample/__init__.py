"""A sample third-party Parvis plugin: a suggestion box."""
