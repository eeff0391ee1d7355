"""Remediation: plan the smallest change that closes every violation, render it per platform,
and prove it on the model before anyone touches a device."""
