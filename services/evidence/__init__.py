"""Evidence users can trust: data reports, test-prior estimates, comparisons with confidence intervals."""
