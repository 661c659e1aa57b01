"""Identity verification methods and eligibility rules."""
